"""Shared fixtures of the image tests: one FakeGeminiServer per module, reset between tests."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI
from PIL import Image

from langchain_gemini_vision.testing import FakeGeminiServer


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeGeminiServer]:
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture
def server(module_server: FakeGeminiServer) -> FakeGeminiServer:
    module_server.reset()
    return module_server


@pytest.fixture(scope="module")
def module_llm(module_server: FakeGeminiServer) -> ChatGoogleGenerativeAI:
    # One retry at most and no backoff surprises: faults are not what these tests are about.
    return module_server.llm(max_retries=1)


@pytest.fixture
def llm(server: FakeGeminiServer, module_llm: ChatGoogleGenerativeAI) -> ChatGoogleGenerativeAI:
    return module_llm


def red_box(image: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box (x_min, y_min, x_max exclusive, y_max exclusive) of the red sample marker."""
    rgb = image.convert("RGB")
    r, g, b = rgb.split()
    red = Image.eval(r, lambda v: 255 if v > 160 else 0)
    not_green = Image.eval(g, lambda v: 255 if v < 100 else 0)
    not_blue = Image.eval(b, lambda v: 255 if v < 100 else 0)
    mask = Image.composite(red, Image.new("L", rgb.size, 0), not_green)
    mask = Image.composite(mask, Image.new("L", rgb.size, 0), not_blue)
    box = mask.getbbox()
    assert box is not None, "no red marker in the image"
    return box


def upright(data: bytes) -> Image.Image:
    """Decode and apply EXIF orientation independently of the package's own code path."""
    from PIL import ImageOps

    return ImageOps.exif_transpose(Image.open(io.BytesIO(data)))


class _PageHandler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    routes: dict[str, tuple[int, str, bytes]] = {}

    def do_GET(self) -> None:
        status, ctype, body = self.routes.get(self.path, (404, "text/html", b"<html>nope</html>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def web() -> Iterator[tuple[str, dict[str, tuple[int, str, bytes]]]]:
    """A tiny local web server: returns its base URL and a mutable route table."""
    routes: dict[str, tuple[int, str, bytes]] = {}
    handler = type("Handler", (_PageHandler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()
