"""Fixtures: one emulator per module, waits recorded instead of slept, a local web server."""
# The emulator fixtures are the video suites' (module server reset per test, a 21 MB video).

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from langchain_gemini_vision import generation_retries
from tests._video_support import *  # noqa: F403  (pytest finds the fixtures by name)
from tests.files.conftest import FakeTime

from .matrix import POLICY


@pytest.fixture
def waits() -> Iterator[FakeTime]:
    """Model calls inside the test retry under ``POLICY``; their waits are recorded, not slept."""
    recorded = FakeTime()
    with generation_retries(POLICY, sleep=recorded.sleep, asleep=recorded.asleep):
        yield recorded


def closed_port() -> int:
    """A local port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class _Site(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status = int(self.path.strip("/"))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Site:
    """A local web server (``/503``, ``/429``, ``/404``, ``/drop``) and a silent listener."""

    url: str
    silent_url: str
    hits: list[str]


@pytest.fixture
def site() -> Iterator[Site]:
    _Site.hits = []
    web = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    # Accepts connections (the kernel's backlog) but never answers: a stalled server.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        yield Site(
            url=f"http://127.0.0.1:{web.server_address[1]}",
            silent_url=f"http://127.0.0.1:{silent.getsockname()[1]}/stall.png",
            hits=_Site.hits,
        )
    finally:
        silent.close()
        web.shutdown()
        web.server_close()
