"""Misbehaving HTTP servers on 127.0.0.1 for fetch-deadline tests and benchmarks.

Each serves every connection in its own thread, in one of these modes:

- ``trickle-body``: full headers at once, then the body one byte per ``interval_s``, forever;
- ``trickle-headers``: the status line, then the headers one byte per ``interval_s``;
- ``stall``: reads the request and never answers;
- ``truncate``: declares 1,000 bytes, sends 12, and closes;
- ``ok``: a complete, well-formed PNG response.

With ``tls`` (a server-side ``ssl.SSLContext``) they speak HTTPS.

``requests`` is set as soon as a request has been read (event ordering for tests).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from langchain_gemini_vision.testing.samples import make_png


@dataclass
class SlowServer:
    """A running slow server: its URL and what it saw."""

    url: str
    requests: threading.Event = field(default_factory=threading.Event)
    bytes_sent: int = 0


def _serve(
    conn: socket.socket,
    mode: str,
    interval_s: float,
    stop: threading.Event,
    srv: SlowServer,
    tls: ssl.SSLContext | None,
) -> None:
    try:
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError):
        conn.close()
        return
    with conn:
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                block = conn.recv(4096)
                if not block:
                    return
                data += block
            srv.requests.set()
            if mode == "stall":
                stop.wait()
                return
            if mode == "ok":
                body = make_png(4, 4)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body))
                return
            if mode == "truncate":
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n\x89PNG\r\n\x1a\nIHDR"
                )
                return
            if mode == "trickle-body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n\x89PNG")
                drip = b"\x00"
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                drip = b"X"
            while not stop.wait(interval_s):
                conn.sendall(drip)
                srv.bytes_sent += 1
        except OSError:
            return  # the client gave up: what these servers exist to provoke


@contextmanager
def background(work: Callable[[threading.Event], None]) -> Iterator[threading.Event]:
    """Run ``work(stop)`` in a daemon thread until the block exits, then set ``stop`` and join."""
    stop = threading.Event()
    thread = threading.Thread(target=work, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=5)


@contextmanager
def slow_server(
    mode: str, *, interval_s: float = 0.01, tls: ssl.SSLContext | None = None
) -> Iterator[SlowServer]:
    """Run a slow server until the block exits (open connections are dropped then)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)  # so the accept loop sees ``stop`` (close() does not wake accept)
    scheme = "https" if tls else "http"
    server = SlowServer(url=f"{scheme}://127.0.0.1:{listener.getsockname()[1]}/media.png")

    def accept(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(None)
            threading.Thread(
                target=_serve, args=(conn, mode, interval_s, stop, server, tls), daemon=True
            ).start()

    with listener, background(accept):
        yield server
