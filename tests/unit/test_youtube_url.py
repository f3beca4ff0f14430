"""YouTube link forms people paste: canonicalised, or refused before any request."""

from __future__ import annotations

import logging

import pytest

from langchain_gemini_vision.errors import InvalidYouTubeURLError
from langchain_gemini_vision.media._youtube_url import deep_link, is_youtube_url, parse_youtube_url
from langchain_gemini_vision.video.youtube import build_summary_request

ID = "dQw4w9WgXcQ"
CANONICAL = f"https://www.youtube.com/watch?v={ID}"


@pytest.mark.parametrize(
    ("url", "start"),
    [
        (f"https://www.youtube.com/watch?v={ID}", None),
        (f"http://youtube.com/watch?v={ID}", None),
        (f"www.youtube.com/watch?v={ID}", None),
        (f"https://m.youtube.com/watch?v={ID}&feature=share", None),
        (f"https://youtu.be/{ID}", None),
        (f"https://youtu.be/{ID}?si=AbCdEfGh12345", None),
        (f"youtu.be/{ID}?t=42", 42.0),
        (f"https://www.youtube.com/shorts/{ID}", None),
        (f"https://youtube.com/shorts/{ID}?si=xyz", None),
        (f"https://www.youtube.com/live/{ID}?feature=shared", None),
        (f"https://www.youtube.com/embed/{ID}?start=30&rel=0", 30.0),
        (f"https://www.youtube-nocookie.com/embed/{ID}", None),
        (f"https://www.youtube.com/v/{ID}", None),
        (f"https://www.youtube.com/watch?v={ID}&t=90s", 90.0),
        (f"https://www.youtube.com/watch?v={ID}&t=90", 90.0),
        (f"https://www.youtube.com/watch?v={ID}&t=1m30s", 90.0),
        (f"https://www.youtube.com/watch?v={ID}&t=1h2m3s", 3723.0),
        (f"https://www.youtube.com/watch?v={ID}#t=15", 15.0),
        (
            f"https://www.youtube.com/watch?v={ID}&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&index=3",
            None,
        ),
        (f"https://www.youtube.com/watch?feature=youtu.be&v={ID}&t=0", None),
        (f"  https://WWW.YouTube.com/watch?v={ID}  ", None),
        # What yt-dlp accepts for a single video.
        (f"https://music.youtube.com/watch?v={ID}&feature=share", None),
        (f"https://m.youtube.com/shorts/{ID}", None),
        (f"https://www.youtube.com/shorts/{ID}/", None),
        (f"https://www.youtube.com/live/{ID}/", None),
        (f"https://youtu.be/{ID}/", None),
        (f"https://www.youtube.com/embed/{ID}/?start=5", 5.0),
        (
            f"https://www.youtube-nocookie.com/embed/{ID}?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
            None,
        ),
        (f"https://youtube-nocookie.com/v/{ID}?version=3", None),
        (f"https://www.youtube.com/watch_popup?v={ID}&t=12", 12.0),
        (f"//www.youtube.com/watch?v={ID}", None),
        (f"//youtu.be/{ID}?t=1m", 60.0),
        (f"https://www.youtube.com/v/{ID}?fs=1&hl=en_US", None),
        (f"https://www.youtube.com/e/{ID}", None),
        (
            f"https://www.youtube.com/attribution_link?a=8g8kPrPIi-ecwIsS&u=/watch%3Fv%3D{ID}%26feature%3Dshare",
            None,
        ),
        (f"https://www.youtube.com/attribution_link?u=%2Fwatch%3Fv%3D{ID}%26t%3D30s&a=x", 30.0),
        (f"https://www.youtube.com/watch?app=desktop&v={ID}", None),
        (f"https://www.youtube.com/?v={ID}", None),
        (f"https://www.youtube.com/watch.php?v={ID}", None),
        (f"https://www.youtube.com/watch?v={ID}&t=1:05", 65.0),
    ],
)
def test_canonicalises_every_form(url: str, start: float | None) -> None:
    ref = parse_youtube_url(url)
    assert ref.video_id == ID
    assert ref.canonical_url == CANONICAL
    assert ref.start_s == start
    assert is_youtube_url(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://vimeo.com/76979871", "not YouTube"),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "not YouTube"),
        (
            "https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
            "plays a whole playlist",
        ),
        (
            "https://www.youtube-nocookie.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9",
            "open one video of the playlist",
        ),
        (
            "https://www.youtube.com/embed/live_stream?channel=UC_x5XG1OV2P6uZZ5FSM9Ttw",
            "live-stream embed",
        ),
        ("https://www.youtube.com/attribution_link?u=https://evil.example/", "attribution"),
        ("https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw", "channel"),
        ("https://www.youtube.com/c/GoogleDevelopers", "channel"),
        ("https://www.youtube.com/@GoogleDevelopers", "channel"),
        ("https://www.youtube.com/user/GoogleDevelopers", "channel"),
        ("https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG", "playlist"),
        ("https://www.youtube.com/watch?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG", "playlist"),
        ("https://www.youtube.com/watch?v=short", "11 characters"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQx", "11 characters"),
        ("https://youtu.be/", "11 characters"),
        ("https://www.youtube.com/", "no video id"),
        ("https://www.youtube.com/feed/subscriptions", "no video id"),
        (f"ftp://youtube.com/watch?v={ID}", "http(s)"),
    ],
)
def test_refuses_with_accepted_forms(url: str, reason: str) -> None:
    with pytest.raises(InvalidYouTubeURLError) as info:
        parse_youtube_url(url)
    message = str(info.value)
    assert reason in message
    assert "Accepted forms" in message and "youtu.be/VIDEO_ID" in message


@pytest.mark.parametrize("bad", ["soon", "-5", "1:75", "12abc", "1h-3m"])
def test_an_unreadable_start_time_is_ignored_with_a_warning(
    bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="langchain_gemini_vision.media._youtube_url"):
        ref = parse_youtube_url(f"https://www.youtube.com/watch?v={ID}&t={bad}")
    assert ref.canonical_url == CANONICAL
    assert ref.start_s is None
    assert len(ref.warnings) == 1 and repr(bad) in ref.warnings[0]
    assert "start=" in ref.warnings[0]  # says what to do instead
    assert ref.warnings[0] in caplog.text


def test_the_ignored_start_time_reaches_the_summary_warnings() -> None:
    request = build_summary_request(f"https://youtu.be/{ID}?t=later", duration_s=60)
    assert request.start_s is None and not request.clipped
    assert any("'later'" in w for w in request.warnings)


def test_a_valid_link_has_no_warnings() -> None:
    assert parse_youtube_url(f"https://youtu.be/{ID}?t=42").warnings == ()


def test_is_youtube_url_routes_refused_youtube_links_too() -> None:
    # Channels are still "YouTube" so the media core refuses them instead of fetching HTML.
    assert is_youtube_url("https://www.youtube.com/@GoogleDevelopers")
    assert is_youtube_url("https://www.youtube.com/embed/videoseries?list=PL123")
    assert not is_youtube_url("https://example.com/watch?v=dQw4w9WgXcQ")
    assert not is_youtube_url("/tmp/youtube.com/video.mp4")
    assert not is_youtube_url("files/abc123")


def test_deep_link() -> None:
    assert deep_link(ID, 125.7) == f"{CANONICAL}&t=125s"
    assert deep_link(ID, None) == CANONICAL
