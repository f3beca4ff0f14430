"""Shared fixtures of the image tests: one FakeGeminiServer per module, reset between tests."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI
from PIL import Image

from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest


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


def marker_answer(request: GenerateRequest) -> str:
    """A 'model' that really looks: finds the red marker in the image it was sent."""
    data = request.media[0].data
    assert data is not None
    image = Image.open(io.BytesIO(data))
    x0, y0, x1, y1 = red_box(image)
    w, h = image.size
    box_2d = [
        round(y0 / h * 1000),
        round(x0 / w * 1000),
        round(y1 / h * 1000),
        round(x1 / w * 1000),
    ]
    return "```json\n" + json.dumps([{"box_2d": box_2d, "label": "red marker"}]) + "\n```"
