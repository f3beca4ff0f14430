"""Regenerate the pictures in docs/images/ (run: ``.venv/bin/python docs/make_images.py``).

``detection-example.png``: a synthetic street scene saved as a phone would (pixels stored sideways
with EXIF orientation 6), sent through the real ``detect_objects`` pipeline against FakeGeminiServer
(which answers with the scene's known boxes on Gemini's 0-1000 grid, fenced like the live API, with
a PNG probability mask for the sun and a polygon mask for the roof), then drawn with
``annotate_image``. The picture must come out upright with every box on its object.

``transcript-excerpt.png``: the first segments of the demo video's transcript, produced by the real
``transcribe_video`` against the demo world and rendered as text with Pillow.
"""

from __future__ import annotations

import base64
import io
import json
import tempfile
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from langchain_gemini_vision import annotate_image, detect_objects, transcribe_video
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import demo_server, write_samples

OUT = Path(__file__).resolve().parent / "images"
W, H = 960, 640


def scene() -> tuple[Image.Image, list[dict[str, object]]]:
    """The upright scene and the objects' pixel boxes ``(x0, y0, x1, y1)``."""
    img = Image.new("RGB", (W, H), (150, 200, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 450, W, H), fill=(110, 170, 90))  # grass
    draw.rectangle((0, 520, W, 600), fill=(90, 90, 95))  # road
    objects: list[dict[str, object]] = []

    sun = (760, 50, 880, 170)
    draw.ellipse(sun, fill=(250, 215, 60))
    objects.append({"label": "sun", "box": sun, "mask": "circle"})

    house = (120, 250, 380, 470)
    draw.rectangle((140, 340, 360, 470), fill=(200, 120, 90))
    draw.polygon([(120, 345), (250, 250), (380, 345)], fill=(140, 60, 50))
    draw.rectangle((230, 400, 270, 470), fill=(90, 60, 40))
    draw.rectangle((165, 370, 205, 405), fill=(220, 235, 250))
    draw.rectangle((300, 370, 340, 405), fill=(220, 235, 250))
    objects.append({"label": "house", "box": house})
    objects.append(
        {
            "label": "roof",
            "box": (120, 250, 380, 346),
            "polygon": [(120, 345), (250, 250), (380, 345)],
        }
    )

    for x in (470, 610):
        draw.rectangle((x + 30, 380, x + 50, 470), fill=(110, 80, 50))
        draw.ellipse((x, 290, x + 80, 400), fill=(50, 130, 60))
        objects.append({"label": "tree", "box": (x, 290, x + 81, 471)})

    car = (600, 500, 820, 590)
    draw.rounded_rectangle((600, 520, 820, 570), radius=14, fill=(200, 40, 50))
    draw.rounded_rectangle((650, 500, 770, 530), radius=10, fill=(200, 40, 50))
    draw.ellipse((625, 550, 665, 590), fill=(30, 30, 30))
    draw.ellipse((755, 550, 795, 590), fill=(30, 30, 30))
    objects.append({"label": "car", "box": car})
    return img.filter(ImageFilter.SMOOTH), objects


def grid(box: tuple[int, int, int, int]) -> list[int]:
    """A pixel box as Gemini's ``[y_min, x_min, y_max, x_max]`` on the 0-1000 grid."""
    x0, y0, x1, y1 = box
    return [round(y0 / H * 1000), round(x0 / W * 1000), round(y1 / H * 1000), round(x1 / W * 1000)]


def circle_mask() -> str:
    """A probability-map PNG like Gemini's segmentation masks: a disc filling the box."""
    probabilities = Image.new("L", (64, 64), 10)
    ImageDraw.Draw(probabilities).ellipse((0, 0, 63, 63), fill=240)
    out = io.BytesIO()
    probabilities.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def model_answer(objects: list[dict[str, object]]) -> str:
    """The scripted model answer: a fenced JSON list, as the live API returns it."""
    items = []
    for obj in objects:
        box = obj["box"]
        assert isinstance(box, tuple)
        item: dict[str, object] = {"box_2d": grid(box), "label": obj["label"]}
        if obj.get("mask") == "circle":
            item["mask"] = circle_mask()
        if "polygon" in obj:
            points = obj["polygon"]
            assert isinstance(points, list)
            item["polygon"] = [[round(y / H * 1000), round(x / W * 1000)] for x, y in points]
        items.append(item)
    return "```json\n" + json.dumps(items) + "\n```"


def phone_jpeg(upright: Image.Image) -> bytes:
    """Store the pixels sideways and tag orientation 6, like a phone held upright."""
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def transcript_excerpt(lines: int = 5, width_chars: int = 96) -> Image.Image:
    """The demo video's first transcript lines, wrapped, as a light terminal-style picture."""
    with tempfile.TemporaryDirectory() as folder, demo_server() as server:
        transcript = transcribe_video(write_samples(folder).video, llm=server.llm())
    text = transcript.to_text().splitlines()[:lines]
    wrapped = [part for line in text for part in [*textwrap.wrap(line, width_chars), ""]]
    font = ImageFont.load_default(size=15)
    line_h, pad = 20, 16
    img = Image.new("RGB", (width_chars * 9 + 2 * pad, len(wrapped) * line_h + 2 * pad), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(wrapped):
        colour = (20, 90, 160) if line.startswith("[") else (40, 40, 40)
        draw.text((pad, pad + i * line_h), line, fill=colour, font=font)
    return img


def main() -> None:
    """Write docs/images/detection-example.png and docs/images/transcript-excerpt.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    upright, objects = scene()
    photo = phone_jpeg(upright)
    with FakeGeminiServer() as server:
        server.add_rule(has_media="image/", text=model_answer(objects))
        result = detect_objects(photo, ["sun", "house", "roof", "tree", "car"], llm=server.llm())
    assert (result.image_width, result.image_height) == (W, H), "not upright"
    annotated = annotate_image(photo, result)
    path = OUT / "detection-example.png"
    annotated.save(path, format="PNG", optimize=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB): {result.summary()}")
    path = OUT / "transcript-excerpt.png"
    transcript_excerpt().save(path, format="PNG", optimize=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
