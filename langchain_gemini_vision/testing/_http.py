"""The stdlib HTTP plumbing: a threaded HTTP/1.1 server with keep-alive and no Nagle delay."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_gemini_vision.testing.server import FakeGeminiServer

logger = logging.getLogger("langchain_gemini_vision.testing")

_BLOCK = 1024 * 1024


@dataclass
class Response:
    """An answer to send: a fixed body, or SSE ``chunks`` sent with chunked transfer encoding.

    Attributes:
        status: HTTP status.
        headers: Extra headers (Content-Length / Transfer-Encoding are added when sending).
        body: Fixed body.
        chunks: When set, each element is written as one HTTP chunk (streamed answers).
        json: The JSON value behind ``body``/``chunks``, kept for the request log.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: list[bytes] | None = None
    json: Any = None

    @classmethod
    def of_json(
        cls, value: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        """A JSON answer, pretty-printed like the live API's non-streamed answers."""
        body = json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")
        merged = {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
        return cls(status=status, headers=merged, body=body, json=value)


class HTTPServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` that knows its fake and the open connections."""

    daemon_threads = True
    block_on_close = False
    # Many clients (a connection pool per SDK client) may connect at once.
    request_queue_size = 128

    def __init__(self, fake: FakeGeminiServer) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        super().__init__(("127.0.0.1", 0), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (examples/batch_resume.py does it on purpose) is normal
        # for a test server: no traceback on stderr, just a debug line.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            logger.debug("client %s went away: %s", client_address, exc)
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down idle keep-alive sockets so handler threads end with the server."""
        for sock in list(self.connections):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """Reads a request, lets the fake decide, writes the answer with exact framing."""

    # HTTP/1.1 with exact Content-Length (or chunked) framing lets httpx reuse connections.
    protocol_version = "HTTP/1.1"
    # Without TCP_NODELAY, small writes on loopback wait ~40 ms for delayed ACKs.
    disable_nagle_algorithm = True
    server_version = "scaffolding on HTTPServer2"
    sys_version = ""
    server: HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.connections.add(self.connection)

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self.server.fake._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._handle(self, "POST")

    def do_DELETE(self) -> None:
        self.server.fake._handle(self, "DELETE")

    def do_PATCH(self) -> None:
        self.server.fake._handle(self, "PATCH")

    def do_PUT(self) -> None:
        self.server.fake._handle(self, "PUT")

    # ------------------------------------------------------------------ body

    def iter_body(self) -> Iterator[bytes]:
        """Yield the request body in blocks of at most 1 MiB (Content-Length or chunked)."""
        rate = self.server.fake.uplink_bytes_per_s
        if not rate:
            yield from self._iter_raw_body()
            return
        began, received = time.monotonic(), 0
        for block in self._iter_raw_body():
            received += len(block)
            # Paced to the emulated uplink: the block "arrives" when the link could carry it.
            time.sleep(max(0.0, began + received / rate - time.monotonic()))
            yield block

    def _iter_raw_body(self) -> Iterator[bytes]:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            yield from self._iter_chunked()
            return
        remaining = int(self.headers.get("Content-Length") or 0)
        while remaining > 0:
            block = self.rfile.read(min(_BLOCK, remaining))
            if not block:
                raise ConnectionError("client closed the connection mid-body")
            remaining -= len(block)
            yield block

    def _iter_chunked(self) -> Iterator[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # Trailers end with an empty line.
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return
            while size > 0:
                block = self.rfile.read(min(_BLOCK, size))
                if not block:
                    raise ConnectionError("client closed the connection mid-body")
                size -= len(block)
                yield block
            self.rfile.readline()

    def read_body(self) -> bytes:
        """The whole request body."""
        return b"".join(self.iter_body())

    def discard_body(self) -> int:
        """Read and drop the body (keeps keep-alive framing intact); returns its size."""
        return sum(len(block) for block in self.iter_body())

    # ------------------------------------------------------------------ answers

    def send(self, response: Response) -> None:
        """Write ``response`` with exact framing."""
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        if response.chunks is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.body and self.command != "HEAD":
                self.wfile.write(response.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in response.chunks:
            if chunk:
                self.wfile.write(b"%X\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def drop(self) -> None:
        """Close the connection without answering."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
