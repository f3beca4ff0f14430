"""An LCEL chain: detect objects -> crop each box -> caption each crop (in parallel).

Run: ``python examples/lcel_detect_crop_caption.py [IMAGE] [LABEL ...]``. With GOOGLE_API_KEY set
it calls the live Gemini API; without it, a local FakeGeminiServer answers from the scripted demo
world (it recognises each crop of the sample scene by its size) and the first line says so.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableLambda
from PIL import Image, ImageOps

from langchain_gemini_vision import caption_image, detect_objects
from langchain_gemini_vision.testing.demo import demo_session

DEFAULT_LABELS = ["coffee mug", "apple", "wall clock", "notebook"]


def build_chain(llm: Any) -> Any:
    """``{"image": path, "target": ...}`` -> ``[{"label", "box", "caption"}, ...]``."""

    def detect(inputs: dict[str, Any]) -> dict[str, Any]:
        result = detect_objects(inputs["image"], inputs["target"], llm=llm)
        return {"image": inputs["image"], "result": result}

    def crop_each(found: dict[str, Any]) -> list[dict[str, Any]]:
        # Boxes are in pixels of the *upright* image, so crop the upright image.
        with Image.open(found["image"]) as opened:
            upright = ImageOps.exif_transpose(opened).convert("RGB")
        crops = []
        for det in found["result"].detections:
            buffer = io.BytesIO()
            upright.crop(det.box.as_tuple()).save(buffer, format="PNG")
            crops.append({"label": det.label, "box": str(det.box), "png": buffer.getvalue()})
        return crops

    def caption_one(crop: dict[str, Any]) -> dict[str, Any]:
        caption = caption_image(crop["png"], style="one_line", llm=llm)
        return {"label": crop["label"], "box": crop["box"], "caption": caption.text}

    # .map() runs the caption step on every crop, concurrently (bounded by max_concurrency).
    return RunnableLambda(detect) | RunnableLambda(crop_each) | RunnableLambda(caption_one).map()


def main() -> None:
    with demo_session() as session:
        print(session.banner, flush=True)
        image = Path(sys.argv[1]) if len(sys.argv) > 1 else session.samples.image
        labels = sys.argv[2:] or DEFAULT_LABELS
        chain = build_chain(session.llm)
        rows = chain.invoke({"image": image, "target": labels}, config={"max_concurrency": 4})
        print(f"{len(rows)} object(s) in {image.name}, each cropped and captioned:")
        for row in rows:
            print(f"- {row['label']} {row['box']}: {row['caption']}")


if __name__ == "__main__":
    main()
