"""YouTube link recognition and canonicalisation (pure, no I/O).

Gemini reads a public YouTube video from ``fileData.fileUri`` = its watch URL, one video per
request. Users paste every form of link; this module turns each into
``https://www.youtube.com/watch?v=<11-char id>`` (tracking parameters dropped) plus the start offset
written in ``t=`` / ``start=``, and refuses links that are not one video (channels, playlists,
playlist and live-stream embeds) before anything is sent. The forms accepted follow what yt-dlp
accepts for a single video; an unreadable ``t=`` is ignored with a warning, not a refusal.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from dataclasses import dataclass

from langchain_gemini_vision._core.timestamps import parse_timestamp
from langchain_gemini_vision.errors import InvalidYouTubeURLError

__all__ = [
    "ACCEPTED_FORMS",
    "YouTubeRef",
    "deep_link",
    "is_youtube_url",
    "parse_youtube_url",
]

_log = logging.getLogger(__name__)

_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIDEO_HOSTS = frozenset(
    {
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    }
)
_SHORT_HOSTS = frozenset({"youtu.be", "www.youtu.be"})
# Path prefixes that carry the video id as the next segment.
_ID_PATH_PREFIXES = ("shorts", "live", "embed", "v", "e")
_CHANNEL_PREFIXES = ("channel", "c", "user")
_WATCH_PATHS = ("watch", "watch_popup", "watch.php", "movie")
# /embed/<these> are players for a playlist or a channel's stream, not a video id.
_NOT_A_VIDEO_EMBEDS = {
    "videoseries": (
        "a playlist embed (embed/videoseries?list=...) plays a whole playlist; Gemini reads one "
        "video per request, so open one video of the playlist and copy its link"
    ),
    "live_stream": (
        "a channel's live-stream embed (embed/live_stream?channel=...) follows whatever the "
        "channel streams, not one video; open the stream and copy its youtube.com/live/VIDEO_ID "
        "or watch?v= link"
    ),
}

ACCEPTED_FORMS = (
    "https://www.youtube.com/watch?v=VIDEO_ID (also m.youtube.com, music.youtube.com, "
    "youtube.com and watch_popup?v=), https://youtu.be/VIDEO_ID, "
    "https://www.youtube.com/shorts/VIDEO_ID, /live/VIDEO_ID, /embed/VIDEO_ID, /v/VIDEO_ID, "
    "/e/VIDEO_ID, youtube-nocookie.com/embed/VIDEO_ID; optional &t=90s or &start=90. "
    "VIDEO_ID is 11 characters of letters, digits, '-' and '_'"
)


@dataclass(frozen=True)
class YouTubeRef:
    """One YouTube video, as Gemini wants it.

    Attributes:
        video_id: The 11-character video id.
        canonical_url: ``https://www.youtube.com/watch?v=<video_id>``, the ``fileUri`` to send.
        start_s: Start offset from ``t=`` / ``start=`` in the link, in seconds, or None.
        warnings: What was ignored in the link (an unreadable ``t=``).
    """

    video_id: str
    canonical_url: str
    start_s: float | None = None
    warnings: tuple[str, ...] = ()


def _split(url: str) -> urllib.parse.SplitResult | None:
    text = url.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if text.startswith("//"):
        text = "https:" + text  # a protocol-relative link from a web page's source
    elif "://" not in text:
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
    return host in _VIDEO_HOSTS or host in _SHORT_HOSTS


def _refuse(url: str, why: str) -> InvalidYouTubeURLError:
    shown = url if len(url) <= 200 else url[:200] + "..."
    return InvalidYouTubeURLError(
        f"{shown!r} is not a link to a single YouTube video: {why}. Accepted forms: "
        f"{ACCEPTED_FORMS}."
    )


def _start_offset(
    url: str, query: dict[str, list[str]], fragment: str
) -> tuple[float | None, tuple[str, ...]]:
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
        return None, ()
    try:
        seconds = parse_timestamp(raw)
    except ValueError:
        # yt-dlp plays such a link from the start; refusing the whole video would be worse.
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        note = (
            f"ignored the start time {shown!r} in the YouTube link (not seconds, MM:SS or "
            "1h2m3s): the video is read from its start; pass start= to choose where to begin"
        )
        _log.warning("%s", note)
        return None, (note,)
    return seconds or None, ()


def parse_youtube_url(url: str) -> YouTubeRef:
    """Canonicalise a link to one YouTube video.

    Args:
        url: Any common YouTube link form (watch, youtu.be, shorts, live, embed, v, mobile,
            no-cookie), with or without scheme, tracking parameters or a playlist.

    Returns:
        The video id, ``https://www.youtube.com/watch?v=<id>`` and the start offset from ``t=``.

    Raises:
        InvalidYouTubeURLError: Not a YouTube host, a channel, a playlist (or playlist embed)
            without a video, a channel's live-stream embed, or a malformed video id. The message
            says why and lists the accepted forms.
    """
    if not isinstance(url, str):
        raise _refuse(repr(url), "expected a URL string")
    parts = _split(url)
    if parts is None:
        raise _refuse(url, "it is not an http(s) URL")
    host = _host(parts)
    if host not in _VIDEO_HOSTS and host not in _SHORT_HOSTS:
        raise _refuse(url, f"the host {host or '(none)'!r} is not YouTube")
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["attribution_link"] and query.get("u"):
        # A share-tracking wrapper: u= holds the real path, e.g. "/watch?v=ID&feature=share".
        inner = query["u"][0]
        if inner.startswith("/"):
            return parse_youtube_url(f"https://www.youtube.com{inner}")
        raise _refuse(url, "the attribution link does not wrap a youtube.com path")
    video_id = _video_id(url, host, segments, query)
    if not video_id or not _ID.match(video_id):
        raise _refuse(url, f"the video id {video_id!r} is not 11 characters of [A-Za-z0-9_-]")
    start, warnings = _start_offset(url, query, parts.fragment)
    return YouTubeRef(
        video_id=video_id,
        canonical_url=f"https://www.youtube.com/watch?v={video_id}",
        start_s=start,
        warnings=warnings,
    )


def _video_id(url: str, host: str, segments: list[str], query: dict[str, list[str]]) -> str | None:
    if host in _SHORT_HOSTS:
        return segments[0] if segments else None
    # "youtube.com/?v=ID" (no path) is a watch link too, as yt-dlp reads it.
    if (segments[:1] and segments[0] in _WATCH_PATHS) or (not segments and query.get("v")):
        values = query.get("v") or []
        if not values and query.get("list"):
            raise _refuse(
                url, "a playlist link without v=<video id>; open one video and copy its link"
            )
        return values[0] if values else None
    if segments and segments[0] in _ID_PATH_PREFIXES:
        candidate = segments[1] if len(segments) > 1 else None
        if segments[0] == "embed" and candidate in _NOT_A_VIDEO_EMBEDS:
            raise _refuse(url, _NOT_A_VIDEO_EMBEDS[candidate])
        return candidate
    if segments[:1] == ["playlist"]:
        raise _refuse(
            url, "a playlist link; Gemini reads one video per request, so open one video of it"
        )
    if segments and (segments[0] in _CHANNEL_PREFIXES or segments[0].startswith("@")):
        raise _refuse(url, "a channel link, not a video")
    raise _refuse(url, "no video id in the link")


def deep_link(video_id: str, seconds: float | None) -> str:
    """A watch link that seeks to ``seconds`` (``&t=<whole seconds>s``); no ``t`` for None."""
    base = f"https://www.youtube.com/watch?v={video_id}"
    if seconds is None:
        return base
    return f"{base}&t={max(int(seconds), 0)}s"
