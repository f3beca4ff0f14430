"""The default image budget (pure): which models get one, how big, and how it fits an image."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._arg_checks import check_max_image_side
from langchain_gemini_vision.media._images import _fit
from langchain_gemini_vision.media._options import (
    ORIGINAL_SIZE,
    default_image_pixels,
    has_image_token_budget,
    image_size_limits,
)


@pytest.mark.parametrize(
    ("model", "budgeted"),
    [
        ("gemini-3-pro-preview", True),
        ("gemini-3.5-flash", True),
        ("models/gemini-3.1-flash-lite", True),
        ("gemini-4", True),
        ("gemini-12.0-ultra", True),
        ("gemini-2.5-flash", False),
        ("models/gemini-2.0-flash", False),
        ("gemini-1.5-pro-002", False),
        ("gemini-flash-latest", False),  # an alias: which generation it names is unknown
        ("gemma-3-27b-it", False),
        ("tunedModels/my-gemini-3-model", False),
        ("gemini-30x", False),
    ],
)
def test_which_models_have_a_token_budget(model: str, budgeted: bool) -> None:
    assert has_image_token_budget(model) is budgeted


@pytest.mark.parametrize(
    ("resolution", "tokens"),
    [(None, 1120), ("low", 280), ("MEDIA_RESOLUTION_MEDIUM", 560), ("high", 1120),
     ("ultra-high", 2240)],
)  # fmt: skip
def test_budget_is_tokens_times_the_documented_tile_density(
    resolution: str | None, tokens: int
) -> None:
    pixels = default_image_pixels("gemini-3.5-flash", resolution)
    assert pixels == int(tokens * 768 * 768 / 258)
    if tokens == 1120:
        assert 2_560_000 < pixels < 2_561_000  # ~2.56 MP at high, the documented default


def test_unknown_resolution_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="media_resolution"):
        default_image_pixels("gemini-3.5-flash", "huge")


def test_limits_the_caller_side_wins_original_opts_out() -> None:
    budget = default_image_pixels("gemini-3.5-flash", "low")
    assert image_size_limits(None, model="gemini-3.5-flash", media_resolution="low") == (
        None,
        budget,
    )
    assert image_size_limits(800, model="gemini-3.5-flash", media_resolution="low") == (800, None)
    assert image_size_limits(ORIGINAL_SIZE, model="gemini-3.5-flash", media_resolution=None) == (
        None,
        None,
    )
    assert image_size_limits(None, model="gemini-2.5-pro", media_resolution="low") == (None, None)


@pytest.mark.parametrize("value", [None, "original", 1, 1536, 65_535])
def test_accepted_max_image_side(value: object) -> None:
    check_max_image_side(value)


@pytest.mark.parametrize("value", [0, -5, 65_536, True, 1.5, "full", "ORIGINAL", ""])
def test_refused_max_image_side_names_every_choice(value: object) -> None:
    with pytest.raises(InvalidRequestError, match=r"'original'.*None"):
        check_max_image_side(value)


@given(
    width=st.integers(1, 20_000),
    height=st.integers(1, 20_000),
    budget=st.integers(1, 40_000_000),
)
def test_fit_to_pixels_never_exceeds_never_enlarges_keeps_aspect(
    width: int, height: int, budget: int
) -> None:
    w, h = _fit((width, height), None, budget)
    if width * height <= budget:
        assert (w, h) == (width, height)
        return
    assert w * h <= budget or (w == 1 or h == 1)  # a 1-pixel side cannot shrink further
    assert w <= width and h <= height
    # The largest such size, up to rounding down each side.
    assert (w + 1) * (h + 1) > budget or w == width or h == height
    if min(w, h) >= 50:
        assert abs(w / h - width / height) <= 2 * (width / height) / min(w, h)


def test_side_and_pixel_limits_together_take_the_smaller() -> None:
    assert _fit((4000, 3000), 1000, 12_000_000) == (1000, 750)
    assert _fit((4000, 3000), 3000, 1_200_000) == (1264, 948)


def test_the_default_budget_never_makes_an_image_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too large to shrink within the memory bound: sent as is, as without the default."""
    from langchain_gemini_vision.errors import MediaTooLargeError
    from langchain_gemini_vision.media import _images
    from langchain_gemini_vision.testing.samples import make_jpeg, make_png

    monkeypatch.setattr(_images, "DECODE_PIXEL_BUDGET", 1_000_000)
    png = make_png(1600, 1200)  # 1.92 MP to decode, over the (patched) 1 MP bound
    image = _images.normalise_image(png, "image/png", max_pixels=500_000)
    assert image.unchanged and image.data is png and image.sent_size == (1600, 1200)
    # The caller's own side is a demand: still refused, with what to do.
    with pytest.raises(MediaTooLargeError, match='max_image_side="original"'):
        _images.normalise_image(png, "image/png", max_side=800)
    # A rotation is needed anyway: the bound still holds, the default changes nothing there.
    rotated = make_jpeg(1600, 1200, orientation=6)
    with pytest.raises(MediaTooLargeError):
        _images.normalise_image(rotated, "image/jpeg", max_pixels=500_000)
    # Within the bound after JPEG draft scaling (1/2: 0.48 MP), the budget applies.
    small = make_jpeg(1600, 1200)
    shrunk = _images.normalise_image(small, "image/jpeg", max_pixels=400_000)
    assert shrunk.sent_size[0] * shrunk.sent_size[1] <= 400_000 and not shrunk.unchanged
