"""YouTube link forms people paste: canonicalised, or refused before any request."""

from __future__ import annotations

import pytest

from langchain_gemini_vision._youtube_url import deep_link, is_youtube_url, parse_youtube_url
from langchain_gemini_vision.errors import InvalidYouTubeURLError

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
        (f"https://music.youtube.com/watch?v={ID}", "YouTube Music"),
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
        (f"https://www.youtube.com/watch?v={ID}&t=soon", "start time"),
    ],
)
def test_refuses_with_accepted_forms(url: str, reason: str) -> None:
    with pytest.raises(InvalidYouTubeURLError) as info:
        parse_youtube_url(url)
    message = str(info.value)
    assert reason in message
    assert "Accepted forms" in message and "youtu.be/VIDEO_ID" in message


def test_is_youtube_url_routes_refused_youtube_links_too() -> None:
    # Channels are still "YouTube" so the media core refuses them instead of fetching HTML.
    assert is_youtube_url("https://www.youtube.com/@GoogleDevelopers")
    assert is_youtube_url(f"https://music.youtube.com/watch?v={ID}")
    assert not is_youtube_url("https://example.com/watch?v=dQw4w9WgXcQ")
    assert not is_youtube_url("/tmp/youtube.com/video.mp4")
    assert not is_youtube_url("files/abc123")


def test_deep_link() -> None:
    assert deep_link(ID, 125.7) == f"{CANONICAL}&t=125s"
    assert deep_link(ID, None) == CANONICAL
