"""SSRF-guarded http(s) fetching for model-chosen URLs.

A prompt-injected model can ask a tool to "look at" ``http://169.254.169.254/`` or an intranet
host. The guard checks the address of every connection actually made (so DNS rebinding and
redirects to private hosts are caught), and caps size and time.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from ._error_mapping import map_fetch_error
from .errors import MediaAccessError

_CHUNK = 64 * 1024
_USER_AGENT = "langchain-gemini-vision (+https://pypi.org/project/langchain-gemini-vision/)"


@dataclass(frozen=True)
class FetchLimits:
    """What a fetch may do."""

    guard: bool = True
    max_bytes: int = 20 * 1024 * 1024
    timeout_s: float = 30.0
    max_redirects: int = 5
    trusted_hosts: tuple[str, ...] = ()


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


def check_url(url: str, limits: FetchLimits) -> None:
    """Refuse a URL before connecting: scheme, and literal or resolved private addresses.

    Raises:
        MediaAccessError: The URL is not http(s) or points at a non-public address.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(url, "only http(s) URLs with a host are allowed")
    if not limits.guard or parts.hostname in limits.trusted_hosts:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise MediaAccessError(f"Cannot resolve host of {url}: {exc}", rule="dns") from exc
    for info in infos:
        address = str(info[4][0])
        if not address_is_public(address):
            raise _refuse(url, f"{parts.hostname} resolves to the non-public address {address}")


class _GuardMixin:
    """Checks the peer address of each real connection (defeats DNS rebinding)."""

    guard_limits: FetchLimits
    sock: socket.socket | None
    host: str

    def _check_peer(self) -> None:
        if not self.guard_limits.guard or self.host in self.guard_limits.trusted_hosts:
            return
        assert self.sock is not None
        peer = str(self.sock.getpeername()[0])
        if not address_is_public(peer):
            self.sock.close()
            raise _refuse(self.host, f"connected to the non-public address {peer}")


def _connection_classes(
    limits: FetchLimits,
) -> tuple[type[http.client.HTTPConnection], type[http.client.HTTPSConnection]]:
    class GuardedHTTP(_GuardMixin, http.client.HTTPConnection):
        guard_limits = limits

        def connect(self) -> None:
            super().connect()
            self._check_peer()

    class GuardedHTTPS(_GuardMixin, http.client.HTTPSConnection):
        guard_limits = limits

        def connect(self) -> None:
            super().connect()
            self._check_peer()

    return GuardedHTTP, GuardedHTTPS


def _opener(limits: FetchLimits) -> urllib.request.OpenerDirector:
    http_cls, https_cls = _connection_classes(limits)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(http_cls, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(https_cls, req)

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
            check_url(newurl, limits)  # every hop is re-checked, not only the first URL
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(HTTPHandler(), HTTPSHandler(), RedirectHandler())


def fetch_url(url: str, limits: FetchLimits) -> tuple[bytes, str]:
    """Download ``url`` within the limits.

    Returns:
        ``(body, final_url)``.

    Raises:
        MediaAccessError: Refused by the guard, HTTP error, too large, or too slow.
    """
    check_url(url, limits)
    deadline = time.monotonic() + limits.timeout_s
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with _opener(limits).open(request, timeout=limits.timeout_s) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise MediaAccessError(
                    f"{url} is {int(declared):,} bytes, over the {limits.max_bytes:,}-byte cap "
                    "for fetched media. Download it yourself and pass a path.",
                    rule="size",
                )
            chunks: list[bytes] = []
            total = 0
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limits.max_bytes:
                    raise MediaAccessError(
                        f"{url} is larger than the {limits.max_bytes:,}-byte cap for fetched "
                        "media. Download it yourself and pass a path.",
                        rule="size",
                    )
                if time.monotonic() > deadline:
                    raise MediaAccessError(
                        f"Fetching {url} took longer than {limits.timeout_s:.0f} s.",
                        rule="timeout",
                    )
                chunks.append(chunk)
            return b"".join(chunks), str(response.geturl())
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, MediaAccessError):
            raise exc.reason from None
        raise _mapped(exc, url, limits) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _mapped(exc, url, limits) from exc


def _mapped(exc: Exception, url: str, limits: FetchLimits) -> Exception:
    """The package's typed error for a failed fetch (the same classes as for Gemini calls)."""
    return map_fetch_error(exc, url, limits.timeout_s) or MediaAccessError(
        f"Cannot fetch {url}: {exc}", rule="network"
    )
