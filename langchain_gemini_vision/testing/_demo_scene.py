"""The demo world's drawn scene: ``scene.png``, its objects with exact pixel boxes, its captions.

Public names are re-exported by ``langchain_gemini_vision.testing.demo``; the scripted answers that
use them live there.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

SCENE_SIZE = (1024, 768)
"""Width and height of ``scene.png``."""


@dataclass(frozen=True)
class SceneObject:
    """An object drawn in the scene.

    Attributes:
        label: What the scripted model calls it.
        box: ``(x_min, y_min, x_max, y_max)`` in pixels, max edges exclusive.
        caption: What the scripted model says about a crop of it.
    """

    label: str
    box: tuple[int, int, int, int]
    caption: str

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the box."""
        return (self.box[2] - self.box[0], self.box[3] - self.box[1])

    def box_2d(self, width: int = SCENE_SIZE[0], height: int = SCENE_SIZE[1]) -> list[int]:
        """The box as Gemini writes it: ``[y_min, x_min, y_max, x_max]`` on a 0-1000 grid."""
        x0, y0, x1, y1 = self.box
        return [
            round(y0 / height * 1000),
            round(x0 / width * 1000),
            round(y1 / height * 1000),
            round(x1 / width * 1000),
        ]


SCENE_OBJECTS: tuple[SceneObject, ...] = (
    SceneObject(
        "laptop",
        (90, 250, 430, 560),
        "An open silver laptop showing a blue desktop with two windows; its keyboard faces the "
        "viewer.",
    ),
    SceneObject(
        "coffee mug",
        (500, 430, 640, 560),
        "A white ceramic coffee mug with a red band and a handle on the right.",
    ),
    SceneObject(
        "potted plant",
        (680, 200, 880, 560),
        "A leafy green plant in a terracotta pot.",
    ),
    SceneObject(
        "apple",
        (880, 470, 960, 570),
        "A shiny red apple with a short brown stem and one green leaf.",
    ),
    SceneObject(
        "notebook",
        (250, 600, 520, 700),
        "A closed blue notebook with a white label strip, lying flat.",
    ),
    SceneObject(
        "pencil",
        (560, 630, 760, 660),
        "A yellow pencil with a pink eraser, lying horizontally.",
    ),
    SceneObject(
        "wall clock",
        (560, 50, 700, 190),
        "A round white wall clock with a black rim; it reads about five past ten.",
    ),
)
"""Every object in ``scene.png`` with its exact pixel box."""

SCENE_CAPTIONS = {
    "one_line": (
        "A tidy wooden desk with an open laptop, a coffee mug, a potted plant and an apple."
    ),
    "alt_text": (
        "A wooden desk against a cream wall: an open laptop, a red-banded mug, a potted plant, "
        "an apple, a blue notebook and a pencil, with a clock above."
    ),
    "detailed": (
        "A home-office desk seen from the front. On the left stands an open silver laptop with a "
        "blue screen; to its right is a white coffee mug with a red band, then a leafy plant in a "
        "terracotta pot and a red apple at the right edge. A blue notebook and a yellow pencil lie "
        "in front on the wooden desktop. A round wall clock hangs on the cream wall above the mug, "
        "showing about five past ten. There is no visible text apart from the clock face."
    ),
}


def scene_image() -> Image.Image:
    """Draw the desk scene (RGB, :data:`SCENE_SIZE`); every box in :data:`SCENE_OBJECTS` is exact.

    The scene is drawn at twice the size and scaled down, which smooths the edges; boxes are
    integers at both scales, so they stay exact.
    """
    s = 2
    width, height = SCENE_SIZE
    img = Image.new("RGB", (width * s, height * s), (238, 228, 208))
    d = ImageDraw.Draw(img)

    def r(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        # PIL's rectangle/ellipse include the max edge; our boxes exclude it.
        return (round(x0 * s), round(y0 * s), round(x1 * s) - 1, round(y1 * s) - 1)

    # Wall skirting and desk.
    d.rectangle(r(0, 400, width, 420), fill=(214, 200, 176))
    d.rectangle(r(0, 420, width, height), fill=(166, 116, 72))
    d.rectangle(r(0, 420, width, 432), fill=(130, 88, 52))
    for y in (480, 560, 650, 720):
        d.line([(0, y * s), (width * s, (y + 6) * s)], fill=(150, 104, 63), width=3)

    # Wall clock (560, 50, 700, 190).
    d.ellipse(r(560, 50, 700, 190), fill=(30, 30, 30))
    d.ellipse(r(568, 58, 692, 182), fill=(250, 250, 248))
    cx, cy = 630 * s, 120 * s
    for i in range(12):
        a = math.radians(i * 30)
        x_out, y_out = cx + math.sin(a) * 54 * s, cy - math.cos(a) * 54 * s
        x_in, y_in = cx + math.sin(a) * 46 * s, cy - math.cos(a) * 46 * s
        d.line([(x_in, y_in), (x_out, y_out)], fill=(40, 40, 40), width=3 * s)
    d.line([(cx, cy), (cx - 38 * s, cy - 14 * s)], fill=(20, 20, 20), width=5 * s)  # hour ~10
    d.line([(cx, cy), (cx + 24 * s, cy - 44 * s)], fill=(20, 20, 20), width=3 * s)  # minute ~2

    # Laptop (90, 250, 430, 560): screen, then base.
    d.rounded_rectangle(r(110, 250, 410, 470), radius=8 * s, fill=(170, 174, 182))
    d.rectangle(r(124, 264, 396, 456), fill=(46, 98, 178))
    d.rectangle(r(150, 290, 290, 380), fill=(232, 238, 246))
    d.rectangle(r(250, 340, 380, 440), fill=(206, 224, 244))
    bottom = 560 * s - 1  # the boxes' max edge is exclusive
    d.polygon([(220, 940), (820, 940), (860, bottom), (180, bottom)], fill=(192, 196, 202))
    for row in range(3):
        y = 482 + row * 22
        d.rectangle(r(140 - row * 4, y, 380 + row * 4, y + 14), fill=(120, 124, 132))
    d.rectangle(r(215, 540, 305, 553), fill=(160, 164, 172))

    # Coffee mug (500, 430, 640, 560): handle first so the body covers its inner half.
    d.ellipse(r(570, 455, 640, 530), fill=(245, 245, 245))
    d.ellipse(r(588, 472, 622, 513), fill=(166, 116, 72))
    d.rounded_rectangle(r(500, 430, 600, 560), radius=10 * s, fill=(248, 248, 246))
    d.rectangle(r(500, 470, 600, 492), fill=(200, 40, 48))
    d.ellipse(r(504, 432, 596, 446), fill=(92, 58, 36))

    # Potted plant (680, 200, 880, 560): leaves, then the pot.
    for box, colour in (
        ((680, 290, 790, 400), (58, 140, 70)),
        ((770, 280, 880, 392), (48, 126, 62)),
        ((720, 200, 840, 330), (70, 160, 84)),
        ((700, 330, 860, 440), (52, 134, 66)),
    ):
        d.ellipse(r(*box), fill=colour)
    d.polygon([(1440, 840), (1680, 840), (1640, bottom), (1480, bottom)], fill=(196, 100, 60))
    d.rectangle(r(712, 420, 848, 444), fill=(176, 86, 50))

    # Apple (880, 470, 960, 570): stem and leaf above the fruit.
    d.ellipse(r(880, 490, 960, 570), fill=(200, 26, 36))
    d.ellipse(r(896, 502, 914, 520), fill=(236, 110, 110))
    d.rectangle(r(917, 470, 923, 494), fill=(96, 64, 30))
    d.ellipse(r(923, 474, 950, 488), fill=(80, 160, 60))

    # Notebook (250, 600, 520, 700) and pencil (560, 630, 760, 660).
    d.rectangle(r(250, 600, 520, 700), fill=(40, 70, 150))
    d.rectangle(r(250, 600, 262, 700), fill=(26, 48, 110))
    d.rectangle(r(330, 630, 450, 656), fill=(240, 240, 236))
    d.polygon(
        [(560 * s, 645 * s), (590 * s, 630 * s), (590 * s, 660 * s - 1)], fill=(232, 196, 150)
    )
    d.rectangle(r(590, 630, 735, 660), fill=(246, 196, 40))
    d.rectangle(r(735, 630, 745, 660), fill=(190, 190, 196))
    d.rounded_rectangle(r(745, 630, 760, 660), radius=4 * s, fill=(236, 140, 160))
    return img.resize(SCENE_SIZE, Image.Resampling.LANCZOS)


def scene_png() -> bytes:
    """``scene.png`` as bytes."""
    out = io.BytesIO()
    scene_image().save(out, format="PNG")
    return out.getvalue()
