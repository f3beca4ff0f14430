"""YouTube link recognition and canonicalisation (pure, no I/O).

Gemini reads a public YouTube video from ``fileData.fileUri`` = its watch URL, one video per
request. Users paste every form of link; this module turns each into
``https://www.youtube.com/watch?v=<11-char id>`` (tracking parameters dropped) plus the start offset
written in ``t=`` / ``start=``, and refuses links that are not one video (channels, playlists,
YouTube Music) before anything is sent.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from ._timestamps import parse_timestamp
from .errors import InvalidYouTubeURLError

__all__ = [
    "ACCEPTED_FORMS",
    "YouTubeRef",
    "deep_link",
    "is_youtube_url",
    "parse_youtube_url",
]

_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIDEO_HOSTS = frozenset(
    {
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    }
)
_SHORT_HOSTS = frozenset({"youtu.be", "www.youtu.be"})
_REFUSED_HOSTS = frozenset({"music.youtube.com"})
# Path prefixes that carry the video id as the next segment.
_ID_PATH_PREFIXES = ("shorts", "live", "embed", "v", "e")
_CHANNEL_PREFIXES = ("channel", "c", "user")

ACCEPTED_FORMS = (
    "https://www.youtube.com/watch?v=VIDEO_ID (also m.youtube.com and youtube.com), "
    "https://youtu.be/VIDEO_ID, https://www.youtube.com/shorts/VIDEO_ID, /live/VIDEO_ID, "
    "/embed/VIDEO_ID, /v/VIDEO_ID, youtube-nocookie.com/embed/VIDEO_ID; optional &t=90s or "
    "&start=90. VIDEO_ID is 11 characters of letters, digits, '-' and '_'"
)


@dataclass(frozen=True)
class YouTubeRef:
    """One YouTube video, as Gemini wants it.

    Attributes:
        video_id: The 11-character video id.
        canonical_url: ``https://www.youtube.com/watch?v=<video_id>``, the ``fileUri`` to send.
        start_s: Start offset from ``t=`` / ``start=`` in the link, in seconds, or None.
    """

    video_id: str
    canonical_url: str
    start_s: float | None = None


def _split(url: str) -> urllib.parse.SplitResult | None:
    text = url.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if "://" not in text:
        # People paste "youtu.be/ID" or "www.youtube.com/watch?v=ID" without a scheme.
        text = "https://" + text
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return parts


def _host(parts: urllib.parse.SplitResult) -> str:
    try:
        return (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def is_youtube_url(s: str) -> bool:
    """Whether ``s`` points at a YouTube host (any form, even one ``parse_youtube_url`` refuses).

    Use this to route a reference: a channel or playlist link is still "YouTube" (it must be refused
    with a clear message, not downloaded as an HTML page).
    """
    if not isinstance(s, str):
        return False
    parts = _split(s)
    if parts is None:
        return False
    host = _host(parts)
    return host in _VIDEO_HOSTS or host in _SHORT_HOSTS or host in _REFUSED_HOSTS


def _refuse(url: str, why: str) -> InvalidYouTubeURLError:
    shown = url if len(url) <= 200 else url[:200] + "..."
    return InvalidYouTubeURLError(
        f"{shown!r} is not a link to a single YouTube video: {why}. Accepted forms: "
        f"{ACCEPTED_FORMS}."
    )


def _start_offset(url: str, query: dict[str, list[str]], fragment: str) -> float | None:
    raw = None
    for key in ("t", "start", "time_continue"):
        if query.get(key):
            raw = query[key][0]
            break
    if raw is None and fragment:
        frag = urllib.parse.parse_qs(fragment)
        if frag.get("t"):
            raw = frag["t"][0]
    if raw is None or raw == "":
        return None
    try:
        seconds = parse_timestamp(raw)
    except ValueError as exc:
        raise _refuse(url, f"the start time {raw!r} is not a number of seconds or 1h2m3s") from exc
    return seconds or None


def parse_youtube_url(url: str) -> YouTubeRef:
    """Canonicalise a link to one YouTube video.

    Args:
        url: Any common YouTube link form (watch, youtu.be, shorts, live, embed, v, mobile,
            no-cookie), with or without scheme, tracking parameters or a playlist.

    Returns:
        The video id, ``https://www.youtube.com/watch?v=<id>`` and the start offset from ``t=``.

    Raises:
        InvalidYouTubeURLError: Not a YouTube host, YouTube Music, a channel, a playlist without a
            video, or a malformed video id. The message lists the accepted forms.
    """
    if not isinstance(url, str):
        raise _refuse(repr(url), "expected a URL string")
    parts = _split(url)
    if parts is None:
        raise _refuse(url, "it is not an http(s) URL")
    host = _host(parts)
    if host in _REFUSED_HOSTS:
        raise _refuse(url, "YouTube Music links are not supported; use the www.youtube.com link")
    if host not in _VIDEO_HOSTS and host not in _SHORT_HOSTS:
        raise _refuse(url, f"the host {host or '(none)'!r} is not YouTube")
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    segments = [s for s in parts.path.split("/") if s]

    video_id: str | None = None
    if host in _SHORT_HOSTS:
        video_id = segments[0] if segments else None
    elif segments[:1] == ["watch"]:
        values = query.get("v") or []
        video_id = values[0] if values else None
        if video_id is None and query.get("list"):
            raise _refuse(
                url, "a playlist link without v=<video id>; open one video and copy its link"
            )
    elif segments and segments[0] in _ID_PATH_PREFIXES:
        video_id = segments[1] if len(segments) > 1 else None
    elif segments[:1] == ["playlist"]:
        raise _refuse(url, "a playlist link; Gemini reads one video per request")
    elif segments and (segments[0] in _CHANNEL_PREFIXES or segments[0].startswith("@")):
        raise _refuse(url, "a channel link, not a video")
    else:
        raise _refuse(url, "no video id in the link")

    if not video_id or not _ID.match(video_id):
        raise _refuse(url, f"the video id {video_id!r} is not 11 characters of [A-Za-z0-9_-]")
    start = _start_offset(url, query, parts.fragment)
    return YouTubeRef(
        video_id=video_id,
        canonical_url=f"https://www.youtube.com/watch?v={video_id}",
        start_s=start,
    )


def deep_link(video_id: str, seconds: float | None) -> str:
    """A watch link that seeks to ``seconds`` (``&t=<whole seconds>s``); no ``t`` for None."""
    base = f"https://www.youtube.com/watch?v={video_id}"
    if seconds is None:
        return base
    return f"{base}&t={max(int(seconds), 0)}s"
