"""URL fetches: one total deadline over DNS, connect, headers and body; no way round the guard.

The slow servers run on 127.0.0.1, which the SSRF guard refuses; each test lets it through the
way a developer would, with ``trusted_hosts``. No test asserts elapsed time (see
``benchmarks/bench_fetch_deadline.py`` for that): the deadline is driven by an injected clock, or
shown to fire by the phase it reports and the order of events.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from langchain_gemini_vision.errors import (
    ConnectionLostError,
    MediaAccessError,
    RequestTimeoutError,
)
from langchain_gemini_vision.media import _fetch
from langchain_gemini_vision.media._fetch import FetchLimits, fetch_url
from langchain_gemini_vision.media._prepare import MediaPolicy, prepare_media
from langchain_gemini_vision.testing.samples import make_png
from tests.media.test_prepare_media import _Handler

from ._slow_servers import slow_server

LOCAL = ("127.0.0.1",)


class SteppingClock:
    """A monotonic clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


@pytest.mark.parametrize(
    ("mode", "phase"),
    [("trickle-body", "reading the body"), ("trickle-headers", "waiting for the response headers")],
)
def test_trickling_is_abandoned_by_the_deadline(mode: str, phase: str) -> None:
    # A 30 s cap no real read ever reaches here: only the injected clock can end this fetch.
    clock = SteppingClock(step=1.0)
    with (
        slow_server(mode, interval_s=0.002) as server,
        pytest.raises(RequestTimeoutError, match=phase) as info,
    ):
        fetch_url(server.url, FetchLimits(timeout_s=30, trusted_hosts=LOCAL), clock=clock)
    assert "30 s cap" in str(info.value) and "download_timeout_s" in str(info.value)
    assert server.requests.is_set() and server.bytes_sent >= 1 and clock.reads >= 30


@pytest.fixture
def https(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ssl.SSLContext:
    """A server context whose certificate the fetcher trusts (through SSL_CERT_FILE)."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    monkeypatch.setattr(_fetch, "_tls_context", None)  # rebuilt with the test CA, then dropped
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    return server


def test_https_fetches_work_and_trickling_over_tls_hits_the_deadline(https: ssl.SSLContext) -> None:
    limits = FetchLimits(timeout_s=30, trusted_hosts=LOCAL)
    with slow_server("ok", tls=https) as server:
        body, final = fetch_url(server.url, limits)
    assert body == make_png(4, 4) and final == server.url
    clock = SteppingClock(step=1.0)
    with (
        slow_server("trickle-body", interval_s=0.002, tls=https) as server,
        pytest.raises(RequestTimeoutError, match="reading the body"),
    ):
        fetch_url(server.url, limits, clock=clock)
    assert server.bytes_sent >= 1


def test_stalled_headers_end_with_a_typed_timeout_through_prepare_media() -> None:
    policy = MediaPolicy(trusted_hosts=LOCAL, download_timeout_s=0.2)
    with slow_server("stall") as server:
        with pytest.raises(RequestTimeoutError, match="waiting for the response headers"):
            prepare_media(server.url, policy=policy)
        assert server.requests.is_set()  # stopped after the server read the request, by the cap


def test_a_truncated_body_is_a_typed_network_error_not_a_short_image() -> None:
    limits = FetchLimits(timeout_s=5, trusted_hosts=LOCAL)
    with slow_server("truncate") as server, pytest.raises(ConnectionLostError) as info:
        fetch_url(server.url, limits)
    assert "closed the connection after 12 of 1000 bytes" in str(info.value)


def test_a_resolver_that_never_answers_is_abandoned(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    asked = threading.Event()

    def hanging_getaddrinfo(*_args: object, **_kwargs: object) -> list[object]:
        asked.set()
        release.wait()
        raise socket.gaierror("released")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    try:
        with pytest.raises(RequestTimeoutError, match="resolving the host"):
            fetch_url("http://media.example/cat.png", FetchLimits(timeout_s=0.2))
    finally:
        release.set()
    assert asked.is_set()


class _Recorder(_Handler):
    """The media tests' web server, also usable as an HTTP proxy; it logs each request target."""

    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        super().do_GET()


@pytest.fixture
def recorder() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    _Recorder.routes = {"http://93.184.216.34/cat.png": (200, {}, make_png(4, 4))}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://localhost:{port}/x.png"],
    ids=["metadata-literal", "loopback-name"],
)
def test_every_redirect_hop_is_checked_before_connecting(recorder: str, target: str) -> None:
    port = recorder.rsplit(":", 1)[1]
    _Recorder.routes = {"/hop": (302, {"Location": target.format(port=port)}, b"")}
    with pytest.raises(MediaAccessError, match="non-public address") as info:
        fetch_url(f"{recorder}/hop", FetchLimits(timeout_s=5, trusted_hosts=LOCAL))
    assert info.value.rule == "ssrf"
    assert _Recorder.seen == ["/hop"]  # the refused hop was never requested


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_an_environment_proxy_cannot_carry_a_guarded_fetch(
    recorder: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, recorder)
    # The developer's trusted network (guard off): the environment's proxy is used as usual.
    body, _ = fetch_url("http://93.184.216.34/cat.png", FetchLimits(timeout_s=5, guard=False))
    assert body == make_png(4, 4) and _Recorder.seen == ["http://93.184.216.34/cat.png"]
    _Recorder.seen = []
    # Guarded: the checked target address is dialled itself, never a proxy that would resolve
    # the name again (DNS rebinding) or reach private addresses the guard cannot see. The dial
    # is refused here so that the test stays offline.
    dialled: list[str] = []

    def refuse(_sock: socket.socket, address: tuple[str, int]) -> None:
        dialled.append(address[0])
        raise ConnectionRefusedError(111, "refused by the test")

    monkeypatch.setattr(_fetch._DeadlineSocket, "connect", refuse)
    with pytest.raises(ConnectionLostError, match=r"refused by the test"):
        fetch_url("http://93.184.216.34/cat.png", FetchLimits(timeout_s=5))
    assert dialled == ["93.184.216.34"] and _Recorder.seen == []
