"""Concurrency rows: many detections in flight against an emulator with server latency.

The emulator runs in a child process, so this process's CPU time is the client's alone.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _emulator import Emulator
from _harness import Row
from google import genai
from google.genai import types
from langchain_core.messages import HumanMessage
from PIL import Image

from langchain_gemini_vision import adetect_objects
from langchain_gemini_vision._core.client import API_VERSION, DEFAULT_MODEL, build_llm
from langchain_gemini_vision.image.detection import detection_prompt, detection_schema
from langchain_gemini_vision.tools import GeminiObjectDetectionTool

TARGET = "every object"
ANSWER = json.dumps(
    [{"box_2d": [100 + i, 100, 300 + i, 400], "label": f"object {i}"} for i in range(5)]
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((640, 480), 40).convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


async def _gather(n: int, limit: int, one: Callable[[], Awaitable[object]]) -> None:
    gate = asyncio.Semaphore(limit)

    async def guarded() -> object:
        async with gate:
            return await one()

    await asyncio.gather(*(guarded() for _ in range(n)))


def _timed(run: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one asyncio run."""
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(run())
    return time.perf_counter() - wall, time.process_time() - cpu


def rows(smoke: bool) -> list[Row]:
    n, limit, latency = (40, 16, 0.05) if smoke else (500, 64, 0.5)
    image = _jpeg()
    schema = detection_schema(max_objects=25, with_masks=False)
    prompt = detection_prompt(TARGET, max_objects=25, with_masks=False)
    results: dict[str, tuple[float, float]] = {}
    emulator = Emulator(latency_s=latency, text=ANSWER)
    with emulator as (url, key), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo.jpg"
        path.write_bytes(image)
        client = genai.Client(
            api_key=key, http_options=types.HttpOptions(base_url=url, api_version=API_VERSION)
        )
        config: dict[str, Any] = {
            "response_mime_type": "application/json",
            "response_json_schema": schema,
        }

        async def raw_sdk(count: int) -> None:
            async def one() -> object:
                part = types.Part.from_bytes(data=image, mime_type="image/jpeg")
                return await client.aio.models.generate_content(
                    model=DEFAULT_MODEL, contents=[part, prompt], config=config
                )

            await _gather(count, limit, one)

        llm = build_llm(api_key=key, base_url=url)

        async def hand_written(count: int) -> None:
            async def one() -> object:
                message = HumanMessage(
                    content=[
                        {"type": "media", "data": image, "mime_type": "image/jpeg"},
                        {"type": "text", "text": prompt},
                    ]
                )
                return await llm.ainvoke(
                    [message], response_mime_type="application/json", response_json_schema=schema
                )

            await _gather(count, limit, one)

        async def ours(count: int) -> None:
            async def one() -> object:
                result = await adetect_objects(image, TARGET, llm=llm)
                assert len(result.detections) == 5
                return result

            await _gather(count, limit, one)

        tool = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[tmp])

        async def abatch(count: int) -> None:
            inputs = [{"image": str(path), "target": TARGET} for _ in range(count)]
            outputs = await tool.abatch(inputs, config={"max_concurrency": limit})
            assert all("5 objects" in str(o) for o in outputs)

        # Warm every path once (imports, connection pools), then measure.
        for run in (raw_sdk, hand_written, ours, abatch):
            asyncio.run(run(limit))
        for name, run in (
            ("raw", raw_sdk),
            ("hand", hand_written),
            ("ours", ours),
            ("abatch", abatch),
        ):
            results[name] = _timed(functools.partial(run, n))
    raw_wall = results["raw"][0]
    what = f"{n} detections, {latency:g} s latency, {limit} in flight"
    return [
        Row(
            f"{what}: wall vs raw SDK gather",
            f"{results['ours'][0]:.2f} s",
            f"{raw_wall:.2f} s",
            results["ours"][0] / raw_wall,
            1.10,
        ),
        Row(
            f"{what}: tool.abatch wall vs raw SDK gather",
            f"{results['abatch'][0]:.2f} s",
            f"{raw_wall:.2f} s",
            results["abatch"][0] / raw_wall,
            1.10,
        ),
        Row(
            f"client CPU per request at {limit} in flight vs hand-written LangChain",
            f"{results['ours'][1] / n * 1e3:.2f} ms",
            f"{results['hand'][1] / n * 1e3:.2f} ms",
            results["ours"][1] / results["hand"][1],
            1.2,
            note=f"raw SDK {results['raw'][1] / n * 1e3:.2f} ms",
        ),
    ]
