"""SSRF-guarded http(s) fetching for model-chosen URLs, within one total deadline.

A prompt-injected model can ask a tool to "look at" ``http://169.254.169.254/`` or an intranet
host. The guard resolves the host itself and refuses if any address is not public, then connects
to exactly those checked addresses (so DNS rebinding between check and connect is impossible);
every redirect hop is a new connection and is checked the same way.

Time: ``FetchLimits.timeout_s`` is a total wall-clock cap on the whole fetch (DNS, connect, TLS,
request, headers, every body byte, redirects). DNS runs in a worker thread waited on with the time
left; every socket operation first sets the socket timeout to the time left, and the body loop
checks the deadline per chunk, so a server that trickles bytes or stalls its headers is abandoned
at the cap instead of resetting a per-read timeout forever.

Proxies: a guarded fetch ignores HTTP_PROXY/HTTPS_PROXY/ALL_PROXY and connects directly, because
through a proxy the guard would only see the proxy's address, never the target's. A fetch with
the guard off (a developer's trusted network) uses the environment's proxies as urllib does.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_gemini_vision._core.error_mapping import map_fetch_error
from langchain_gemini_vision.errors import (
    ConnectionLostError,
    GeminiVisionError,
    MediaAccessError,
    RequestTimeoutError,
)

_CHUNK = 64 * 1024
_USER_AGENT = "langchain-gemini-vision (+https://pypi.org/project/langchain-gemini-vision/)"

MonotonicClock = Callable[[], float]
"""Seconds from an arbitrary origin that never go backwards (``time.monotonic``)."""


@dataclass(frozen=True)
class FetchLimits:
    """What a fetch may do.

    Attributes:
        guard: Refuse non-public addresses (SSRF guard) and ignore environment proxies.
        max_bytes: Cap on the body.
        timeout_s: Total wall-clock cap on the whole fetch, from DNS to the last byte.
        max_redirects: Redirects followed at most.
        trusted_hosts: Host names exempt from the guard.
    """

    guard: bool = True
    max_bytes: int = 20 * 1024 * 1024
    timeout_s: float = 30.0
    max_redirects: int = 5
    trusted_hosts: tuple[str, ...] = ()


class _Expired(TimeoutError):
    """The fetch's total deadline passed (an ``OSError``, so urllib lets it through as one)."""


class _Deadline:
    """The end of a fetch on the injected monotonic clock, and what the fetch was doing."""

    def __init__(self, timeout_s: float, clock: MonotonicClock) -> None:
        self.clock = clock
        self.end = clock() + timeout_s
        self.phase = "resolving the host"

    def left(self) -> float:
        """Seconds left; raises ``_Expired`` once there are none."""
        remaining = self.end - self.clock()
        if remaining <= 0:
            raise _Expired(self.phase)
        return remaining

    def arm(self, sock: socket.socket) -> None:
        """Bound the next blocking socket operation by the time left."""
        sock.settimeout(self.left())


def address_is_public(address: str) -> bool:
    """Whether an IP address is globally routable (not loopback, private, link-local, ...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def _refuse(url: str, why: str) -> MediaAccessError:
    return MediaAccessError(
        f"Refused to fetch {url}: {why}. Tools only fetch public http(s) URLs; a developer can "
        "pass the bytes directly, or build the tool with ssrf_guard=False for trusted networks.",
        rule="ssrf",
    )


def _guarded(host: str, limits: FetchLimits) -> bool:
    return limits.guard and host not in limits.trusted_hosts


def check_url(url: str, limits: FetchLimits) -> None:
    """Refuse a URL before connecting: scheme, and literal non-public addresses.

    Host names are checked when connecting, on the addresses actually connected to.

    Raises:
        MediaAccessError: The URL is not http(s) or names a non-public address literally.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(url, "only http(s) URLs with a host are allowed")
    host = parts.hostname
    if _guarded(host, limits) and _is_ip(host) and not address_is_public(host):
        raise _refuse(url, f"{host} is a non-public address")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


_AddrInfo = list[tuple[Any, Any, int, str, Any]]


def _resolve(host: str, port: int, deadline: _Deadline) -> _AddrInfo:
    """``getaddrinfo`` bounded by the deadline (it has no timeout of its own)."""
    if _is_ip(host):
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc
        finally:
            done.set()

    # A daemon thread: a resolver that never answers is abandoned, not waited for.
    threading.Thread(target=work, name="lcgv-fetch-dns", daemon=True).start()
    if not done.wait(deadline.left()):
        raise _Expired(deadline.phase)
    if "error" in box:
        error: OSError = box["error"]
        raise MediaAccessError(f"Cannot resolve host {host}: {error}", rule="dns") from error
    infos: _AddrInfo = box["infos"]
    return infos


class _DeadlineSocket(socket.socket):
    """A TCP socket whose every blocking call is bounded by the fetch deadline."""

    deadline: _Deadline

    def recv_into(self, *args: Any) -> int:
        self.deadline.arm(self)
        return super().recv_into(*args)

    def sendall(self, *args: Any) -> None:
        self.deadline.arm(self)
        super().sendall(*args)


class _DeadlineTLSSocket(ssl.SSLSocket):
    """The TLS twin of :class:`_DeadlineSocket` (``deadline`` set right after the handshake)."""

    deadline: _Deadline | None = None

    def recv_into(self, *args: Any) -> int:
        if self.deadline is not None:
            self.deadline.arm(self)
        return super().recv_into(*args)

    def sendall(self, *args: Any) -> None:
        if self.deadline is not None:
            self.deadline.arm(self)
        super().sendall(*args)


_tls_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    global _tls_context
    if _tls_context is None:  # built once: loading the CA store costs milliseconds
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineTLSSocket
        _tls_context = context
    return _tls_context


def _connector(
    limits: FetchLimits, deadline: _Deadline
) -> Callable[[tuple[str, int], Any, Any], socket.socket]:
    """Replacement for ``socket.create_connection``: bounded DNS, guard, bounded connect."""

    def connect(
        address: tuple[str, int], _timeout: Any = None, _source: Any = None
    ) -> socket.socket:
        host, port = address
        deadline.phase = "resolving the host"
        infos = _resolve(host, port, deadline)
        if _guarded(host, limits):
            for info in infos:
                if not address_is_public(str(info[4][0])):
                    raise _refuse(host, f"{host} resolves to the non-public address {info[4][0]}")
        deadline.phase = "connecting"
        error: OSError = OSError(f"no address for {host}")
        for family, kind, proto, _name, sockaddr in infos:
            sock = _DeadlineSocket(family, kind, proto)
            sock.deadline = deadline
            try:
                deadline.arm(sock)
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                if isinstance(exc, TimeoutError):
                    raise
                error = exc
                continue
            return sock
        raise error

    return connect


def _opener(limits: FetchLimits, deadline: _Deadline) -> urllib.request.OpenerDirector:
    connect = _connector(limits, deadline)

    class GuardedHTTP(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

        def connect(self) -> None:
            super().connect()
            deadline.phase = "waiting for the response headers"

    class GuardedHTTPS(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

        def connect(self) -> None:
            super().connect()  # the TLS handshake is bounded by the socket's timeout
            assert isinstance(self.sock, _DeadlineTLSSocket)
            self.sock.deadline = deadline
            deadline.phase = "waiting for the response headers"

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(GuardedHTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(GuardedHTTPS, req, context=_tls())

    class RedirectHandler(urllib.request.HTTPRedirectHandler):
        max_redirections = limits.max_redirects

        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: Any,
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            check_url(newurl, limits)  # the hop's connection is guarded again on its addresses
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    handlers: list[urllib.request.BaseHandler] = [HTTPHandler(), HTTPSHandler(), RedirectHandler()]
    if limits.guard:
        handlers.append(urllib.request.ProxyHandler({}))  # see the module docstring
    return urllib.request.build_opener(*handlers)


def _network(url: str, why: str) -> MediaAccessError:
    return MediaAccessError(
        f"Cannot fetch {url}: {why}. Check the link, or download the file yourself and pass a "
        "path.",
        rule="network",
    )


def _too_slow(url: str, limits: FetchLimits, deadline: _Deadline) -> RequestTimeoutError:
    return RequestTimeoutError(
        f"Fetching {url} took longer than its {limits.timeout_s:g} s cap (stopped while "
        f"{deadline.phase}); the server is too slow or stalled.",
        what_to_do="Download the file yourself and pass a path, or ask the developer to raise "
        "download_timeout_s.",
    )


def _read_body(
    response: http.client.HTTPResponse, url: str, limits: FetchLimits, deadline: _Deadline
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise MediaAccessError(
            f"{url} is {int(declared):,} bytes, over the {limits.max_bytes:,}-byte cap for "
            "fetched media. Download it yourself and pass a path.",
            rule="size",
        )
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read1(_CHUNK):
        total += len(chunk)
        if total > limits.max_bytes:
            raise MediaAccessError(
                f"{url} is larger than the {limits.max_bytes:,}-byte cap for fetched media. "
                "Download it yourself and pass a path.",
                rule="size",
            )
        chunks.append(chunk)
        deadline.left()  # each recv is bounded already; this also stops a flood of tiny chunks
    if response.length:  # read1() ends quietly where read() would raise IncompleteRead
        raise ConnectionLostError(
            f"Fetching {url}: the server closed the connection after {total:,} of {declared} "
            "bytes.",
            what_to_do="Retry, or download the file yourself and pass a path.",
        )
    return b"".join(chunks)


def fetch_url(
    url: str, limits: FetchLimits, *, clock: MonotonicClock = time.monotonic
) -> tuple[bytes, str]:
    """Download ``url`` within the limits.

    Args:
        url: An http(s) URL.
        limits: Guard, size and time limits.
        clock: Monotonic clock the total deadline is measured on (injectable for tests).

    Returns:
        ``(body, final_url)``.

    Raises:
        MediaAccessError: Refused by the guard (``rule="ssrf"``), HTTP error, too large, over the
            total time cap (``rule="timeout"``), or a network failure.
    """
    check_url(url, limits)
    deadline = _Deadline(limits.timeout_s, clock)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with _opener(limits, deadline).open(request, timeout=limits.timeout_s) as response:
            deadline.phase = "reading the body"
            body = _read_body(response, url, limits, deadline)
            return body, str(response.geturl())
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, GeminiVisionError):
            raise exc.reason from None
        if not isinstance(exc, urllib.error.HTTPError) and isinstance(exc.reason, TimeoutError):
            raise _too_slow(url, limits, deadline) from exc
        raise _mapped(exc, url, limits) from exc
    except TimeoutError as exc:
        raise _too_slow(url, limits, deadline) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _mapped(exc, url, limits) from exc


def _mapped(exc: Exception, url: str, limits: FetchLimits) -> GeminiVisionError:
    """The package's typed error for a failed fetch (the same classes as for Gemini calls)."""
    return map_fetch_error(exc, url, limits.timeout_s) or _network(
        url, f"the connection failed ({type(exc).__name__}: {exc})"
    )
