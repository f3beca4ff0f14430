"""Image rows: per-call tax of a small caption and a 12 MP photo, preprocessing, bytes sent."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from _harness import Row, interleaved_s
from bench_image import naive_preprocess, package_preprocess, phone_photo
from langchain_core.messages import HumanMessage
from PIL import Image

from langchain_gemini_vision import caption_image
from langchain_gemini_vision._core.client import model_name
from langchain_gemini_vision.media._options import default_image_pixels
from langchain_gemini_vision.testing import FakeGeminiServer

PROMPT = "Describe this image in detail."


def small_png() -> bytes:
    img = Image.effect_noise((640, 480), 40).convert("RGB")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _hand_written(llm: object, data: bytes, mime: str) -> object:
    """The call a developer writes by hand with ``ChatGoogleGenerativeAI`` and the same bytes."""
    message = HumanMessage(
        content=[
            {"type": "media", "data": data, "mime_type": mime},
            {"type": "text", "text": PROMPT},
        ]
    )
    return llm.invoke([message]).content  # type: ignore[attr-defined]


def _caption_row(
    what: str,
    hand: Callable[[], object],
    ours: Callable[[], object],
    runs_warmup: tuple[int, int],
    bar: float,
    floor: Callable[[], object] | None = None,
    bodies: Callable[[], tuple[int, int]] | None = None,
) -> Row:
    fns = {"hand": hand, "ours": ours} | ({"floor": floor} if floor else {})
    t = interleaved_s(fns, *runs_warmup)
    note = ""
    if floor is not None:
        note = (
            "ours sends the photo upright at the model's pixel budget; the hand-written call "
            "sends the file sideways, as is. Only decoding this JPEG (at 1/8 scale, the cheapest "
            f"libjpeg can) takes {t['floor'] * 1e3:.1f} ms = {t['floor'] / t['hand']:.2f}x the "
            "hand-written call: the floor of any path that rotates the pixels"
        )
        if bodies is not None:
            note += "; " + _uplink_break_even(t["ours"], t["hand"], *bodies(), bar)
    return Row(
        what,
        f"{t['ours'] * 1e3:.2f} ms",
        f"{t['hand'] * 1e3:.2f} ms",
        t["ours"] / t["hand"],
        bar,
        note=note,
    )


def _uplink_break_even(
    ours_s: float, hand_s: float, ours_body: int, hand_body: int, bar: float
) -> str:
    """Where the loopback costs meet the upload time: the uplinks on which the bar holds.

    On loopback a request body costs almost nothing to send; on a real uplink of B bit/s each
    call also spends body * 8 / B seconds sending it. From the loopback times and body sizes:
    ours / hand <= bar  <=>  B <= 8 * (hand_body * bar - ours_body) / (ours_s - hand_s * bar).
    """
    saved = hand_body - ours_body
    if ours_s <= hand_s * bar:
        return "the bar holds on loopback, so on every uplink"
    breakeven = saved * 8 / (ours_s - hand_s) / 1e6 if ours_s > hand_s else float("inf")
    limit = 8 * (hand_body * bar - ours_body) / (ours_s - hand_s * bar) / 1e6
    return (
        f"bodies {ours_body / 1e6:.2f} MB (ours) vs {hand_body / 1e6:.2f} MB: computed from "
        f"these loopback times, ours is faster on uplinks below {breakeven:.0f} Mbit/s and "
        f"within the {bar:g}x bar below {limit:.0f} Mbit/s (the {UPLINK_MBIT_S:g} Mbit/s row "
        "below measures one such uplink)"
    )


def _decode_at_one_eighth(data: bytes) -> None:
    img = Image.open(io.BytesIO(data))
    img.draft("RGB", (img.width // 8, img.height // 8))
    img.load()


def _default_size_row(photo: bytes) -> Row:
    """What ``caption_image`` sends for a 12 MP photo by default, read from the emulator."""
    with FakeGeminiServer() as server:
        server.add_rule(text="a caption")
        llm = server.llm()
        caption_image(photo, llm=llm, prompt=PROMPT)
        (request,) = server.generate_requests()
        data = request.media[0].data
        model = model_name(llm)
    assert data is not None
    sent = Image.open(io.BytesIO(data))
    width, height = sent.size
    budget = default_image_pixels(model, None)
    assert budget is not None, f"{model} has no image budget"
    original = Image.open(io.BytesIO(photo)).size
    # The other half of the criterion: nothing the model could use is thrown away. Rounding each
    # side down costs under 0.2 % at this size; more than 2 % would be a needless loss.
    assert width * height >= 0.98 * budget, (width, height, budget)
    assert height > width, "sent sideways: the EXIF orientation was not applied"
    return Row(
        "pixels sent by default for a 12 MP phone photo / the model's budget",
        f"{width * height / 1e6:.2f} MP",
        f"{budget / 1e6:.2f} MP",
        width * height / budget,
        1.0,
        note=f"{model}, media_resolution unset (high assumed): budget = 1120 tokens x 768*768/258 "
        f"px per token. Criterion: sent <= budget (nothing the model cannot use) and >= 98 % of "
        f"it (nothing it can use is lost; asserted). Sent {width}x{height} upright, "
        f"{len(data) / 1e6:.2f} MB vs the file's {original[0]}x{original[1]}, "
        f"{len(photo) / 1e6:.2f} MB ({len(data) / len(photo):.2f}x the bytes)",
    )


def _body_sizes(server: FakeGeminiServer) -> tuple[int, int]:
    """(smallest, largest) generateContent body seen: ours, then the hand-written one."""
    sizes = [r.body_size for r in server.requests if r.path.endswith(":generateContent")]
    recent = sizes[-4:]
    return min(recent), max(recent)


UPLINK_MBIT_S = 100.0
"""A fast office or fibre uplink; most home uplinks are slower, which favours sending less."""


def _uplink_row(photo: bytes, smoke: bool) -> Row:
    """The 12 MP caption again, with request bodies paced to a real uplink instead of loopback."""
    with (
        FakeGeminiServer(uplink_bytes_per_s=UPLINK_MBIT_S * 1e6 / 8) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        server.add_rule(text="a caption")
        llm = server.llm()
        path = Path(tmp) / "phone.jpg"
        path.write_bytes(photo)
        t = interleaved_s(
            {
                "hand": lambda: _hand_written(llm, path.read_bytes(), "image/jpeg"),
                "ours": lambda: caption_image(path, llm=llm, prompt=PROMPT),
            },
            *((2, 1) if smoke else (10, 2)),
        )
        sizes = [r.body_size for r in server.requests if r.path.endswith(":generateContent")]
    return Row(
        f"caption 12 MP JPEG per call vs hand-written invoke, {UPLINK_MBIT_S:g} Mbit/s uplink",
        f"{t['ours'] * 1e3:.1f} ms",
        f"{t['hand'] * 1e3:.1f} ms",
        t["ours"] / t["hand"],
        0.7,
        note=f"request bodies paced by the emulator; bodies sent: {min(sizes) / 1e6:.2f} MB "
        f"(ours) vs {max(sizes) / 1e6:.2f} MB (hand-written, the whole file in base64)",
    )


def rows(smoke: bool) -> list[Row]:
    out: list[Row] = []
    png = small_png()
    photo = phone_photo()
    with FakeGeminiServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.add_rule(text="a caption")
        llm = server.llm()
        photo_path = Path(tmp) / "phone.jpg"
        photo_path.write_bytes(photo)
        out.append(
            _caption_row(
                "caption 640x480 PNG per call vs hand-written invoke",
                lambda: _hand_written(llm, png, "image/png"),
                lambda: caption_image(png, llm=llm, prompt=PROMPT),
                (5, 2) if smoke else (150, 20),
                1.05,
            )
        )
        out.append(
            _caption_row(
                "caption 12 MP JPEG per call vs hand-written invoke",
                lambda: _hand_written(llm, photo_path.read_bytes(), "image/jpeg"),
                lambda: caption_image(photo_path, llm=llm, prompt=PROMPT),
                (3, 1) if smoke else (20, 3),
                0.7,
                floor=lambda: _decode_at_one_eighth(photo),
                bodies=lambda: _body_sizes(server),
            )
        )
    out.append(_uplink_row(photo, smoke))
    runs = 2 if smoke else 15
    t = interleaved_s(
        {"naive": lambda: naive_preprocess(photo), "ours": lambda: package_preprocess(photo)},
        runs,
        warmup=1,
    )
    out.append(
        Row(
            "12 MP JPEG to upright 1536 px vs naive PIL pipeline",
            f"{t['ours'] * 1e3:.1f} ms",
            f"{t['naive'] * 1e3:.1f} ms",
            t["ours"] / t["naive"],
            0.33,
        )
    )
    out.append(_default_size_row(photo))
    return out
