"""The trust policy: which media references may be read, and how URLs are fetched.

Separate from ``_prepare`` because it is the trust boundary's configuration: tools and loaders build
one (``MediaPolicy.for_tool``) without touching the pipeline that enforces it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from langchain_gemini_vision.media._limits import INLINE_LIMIT_BYTES


@dataclass(frozen=True)
class MediaPolicy:
    """Which media references may be read, and how URLs are fetched.

    Attributes:
        allowed_dirs: Local paths must resolve (symlinks followed) under one of these; None allows
            any path (developers calling core functions); an empty tuple forbids local files.
        allow_urls: Whether http(s) URLs may be fetched at all.
        ssrf_guard: Refuse URLs whose host resolves to loopback, private, link-local, reserved or
            cloud-metadata addresses (checked again on every redirect).
        max_download_bytes: Cap on a fetched URL's body.
        download_timeout_s: Total time allowed for one fetch.
        max_redirects: Redirects followed at most.
        trusted_hosts: Hosts exempt from the SSRF guard (the developer vouches for them).
        allow_gcs: Whether ``gs://`` URIs may be used. Gemini reads them with the project's own
            credentials, so a tool lets a model name one only when the developer opts in.
        allow_hardlinks: With ``allowed_dirs``, read files that have more than one name (a hard
            link inside a folder can name a file from outside it). Ignored for any-path policies.
    """

    allowed_dirs: tuple[Path, ...] | None = None
    allow_urls: bool = True
    ssrf_guard: bool = True
    max_download_bytes: int = INLINE_LIMIT_BYTES
    download_timeout_s: float = 30.0
    max_redirects: int = 5
    trusted_hosts: tuple[str, ...] = ()
    allow_gcs: bool = True
    allow_hardlinks: bool = False

    @classmethod
    def permissive(cls) -> MediaPolicy:
        """Policy for developer-facing functions and loaders: any path, guarded URL fetches."""
        return cls(allowed_dirs=None)

    @classmethod
    def for_tool(
        cls,
        allowed_dirs: Iterable[str | os.PathLike[str]] | None,
        *,
        allow_urls: bool = True,
        ssrf_guard: bool = True,
        allow_gcs: bool = False,
        allow_hardlinks: bool = False,
    ) -> MediaPolicy:
        """Policy for agent-facing tools: paths only under ``allowed_dirs`` (default: the cwd)."""
        dirs = (Path.cwd(),) if allowed_dirs is None else tuple(Path(d) for d in allowed_dirs)
        resolved = tuple(Path(os.path.realpath(d)) for d in dirs)
        return cls(
            allowed_dirs=resolved,
            allow_urls=allow_urls,
            ssrf_guard=ssrf_guard,
            allow_gcs=allow_gcs,
            allow_hardlinks=allow_hardlinks,
        )

    def describe(self) -> str:
        """One line for error messages: what this policy allows."""
        if self.allowed_dirs is None:
            paths = "any local path"
        elif not self.allowed_dirs:
            paths = "no local files"
        else:
            paths = "local files under " + ", ".join(repr(str(d)) for d in self.allowed_dirs)
        urls = (
            "no URLs"
            if not self.allow_urls
            else "http(s) URLs" + (" to public hosts" if self.ssrf_guard else "")
        )
        return f"{paths}; {urls}"
