"""Image work never blocks the event loop: no callback on it uses 50 ms (asyncio's slow mark).

The mixed batch includes 12 MP photos that need rotating and downscaling (~100 ms of Pillow
work each): run on the loop, each would be logged as a slow callback. They are downscaled because
serialising a multi-megabyte request is langchain-google-genai's own work on the loop, not ours.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import time

from PIL import Image

from langchain_gemini_vision import acaption_image, adetect_objects
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png


def _phone_photo() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: must be decoded, rotated and re-encoded
    out = io.BytesIO()
    Image.effect_noise((4032, 3024), 30).convert("RGB").save(
        out, format="JPEG", quality=90, exif=exif.tobytes()
    )
    return out.getvalue()


class _SlowCallbacks:
    """asyncio's slow-callback check (debug mode, 50 ms), on the loop thread's CPU time.

    asyncio logs callbacks by wall time, which also counts the time the process was preempted;
    on a shared CI machine that flags innocent callbacks. The loop thread's CPU time counts only
    work done on the loop: exactly what "blocking the event loop" means.
    """

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.slow: list[str] = []
        self._original = asyncio.events.Handle._run

    def __enter__(self) -> _SlowCallbacks:
        counter = self
        original = self._original

        def timed_run(handle: asyncio.events.Handle) -> None:
            start = time.thread_time()
            try:
                original(handle)
            finally:
                spent = time.thread_time() - start
                if spent > counter.limit_s:
                    counter.slow.append(f"{handle!r} used {spent * 1e3:.0f} ms of CPU")

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]


async def test_many_images_in_flight_log_no_slow_callback(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(text=json.dumps([{"box_2d": [10, 10, 500, 500], "label": "thing"}]))
    llm = fake_server.llm()
    photo = _phone_photo()
    small = make_png(640, 480)
    # First uses import and build the SDK's async stack and type caches (one-time work).
    await adetect_objects(small, "thing", llm=llm)
    await acaption_image(small, llm=llm)
    # A full garbage collection of a long test session's heap can take 100 ms on whatever
    # thread triggers it; that is not work of ours, so it is kept out of the measured section.
    gc.collect()
    gc.disable()
    try:
        with _SlowCallbacks(0.05) as watch:
            results = await asyncio.gather(
                *(adetect_objects(photo, "thing", llm=llm, max_image_side=1024) for _ in range(4)),
                *(adetect_objects(small, "thing", llm=llm) for _ in range(16)),
                *(acaption_image(photo, llm=llm, max_image_side=1536) for _ in range(2)),
            )
    finally:
        gc.enable()
    assert len(results) == 22
    # The photo's boxes are in the upright original's pixels (3024 wide after rotation).
    assert results[0].image_width == 3024  # type: ignore[union-attr]  # gather() mixes types
    assert watch.slow == []
