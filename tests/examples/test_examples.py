"""Every example runs as is, offline, as a newcomer would run it: no key, a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_offline(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GEMINI_VISION_BASE_URL")}  # fmt: skip
    return subprocess.run(
        list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def check_offline_banner(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OFFLINE (emulated): no GOOGLE_API_KEY set"), lines[:2]
    return lines


def test_agent_example(tmp_path: Path) -> None:
    out = "\n".join(check_offline_banner(run_offline(sys.executable, str(EXAMPLES / "agent.py"),
                                                     cwd=tmp_path)))  # fmt: skip
    for name in ("gemini_caption_image", "gemini_detect_objects", "gemini_transcribe_video",
                 "gemini_summarize_youtube", "convert_units"):  # fmt: skip
        assert f"-> model calls {name}(" in out
        assert f"<- {name}: " in out
    assert "[artifact: annotated_image_path, detections," in out
    assert "95 s = 1.583 min" in out
    assert out.splitlines()[-1].startswith("Agent: Here is what I found.")


def test_rag_video_example_cites_timestamps(tmp_path: Path) -> None:
    lines = check_offline_banner(run_offline(sys.executable, str(EXAMPLES / "rag_video.py"),
                                             cwd=tmp_path))  # fmt: skip
    assert lines[1].startswith("Loaded 3 transcript Documents")
    answers = [line for line in lines if line.startswith("A: ")]
    assert len(answers) == 2
    assert "tyre levers" in answers[0] and answers[0].endswith("[00:21].")
    assert "80 psi" in answers[1] and "[01:24]" in answers[1]
    assert any("retrieved 00:00" in line and "bike-repair.mp4#t=0" in line for line in lines)


def test_lcel_example_captions_every_crop(tmp_path: Path) -> None:
    lines = check_offline_banner(
        run_offline(sys.executable, str(EXAMPLES / "lcel_detect_crop_caption.py"), cwd=tmp_path)
    )
    assert lines[1] == "4 object(s) in scene.png, each cropped and captioned:"
    rows = lines[2:6]
    assert rows[0].startswith("- coffee mug (499, 430, 640, 560): A white ceramic coffee mug")
    assert rows[1].startswith("- apple ") and "red apple" in rows[1]
    assert "wall clock" in rows[3] and "five past ten" in rows[3]


@pytest.mark.parametrize("argv", [["demo"], ["demo", "--json", "-q"]], ids=["text", "json"])
def test_console_script_demo(argv: list[str], tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("gemini-vision")
    result = run_offline(str(script), *argv, cwd=tmp_path)
    lines = check_offline_banner(result)
    assert (tmp_path / "gemini-vision-demo" / "scene-annotated.png").is_file()
    if "--json" in argv:
        start = next(i for i, line in enumerate(lines) if line == "{")
        report = json.loads("\n".join(lines[start:]))
        assert report["offline"] is True and len(report["transcript"]["segments"]) == 8
    else:
        assert "[00:00] Hi, I'm Sam." in result.stdout


def test_batch_resume_example_survives_a_kill(tmp_path: Path) -> None:
    lines = check_offline_banner(run_offline(sys.executable, str(EXAMPLES / "batch_resume.py"),
                                             cwd=tmp_path))  # fmt: skip
    out = "\n".join(lines)
    assert "Killed the waiting child (exit code -9)." in out
    assert "205 items, 2 uploaded video(s) owned by the job" in out
    assert "205/205 items done, 3 failed; jobs created in total: 1" in out
    failed = [line for line in lines if line.startswith("  failed #")]
    assert [line.split()[1:3] for line in failed] == [
        ["#17", "img-017:"],
        ["#142", "img-142:"],
        ["#203", "vid-3:"],
    ]
    assert all("[BatchItemServiceUnavailableError, retryable]" in line for line in failed)
    assert "Retried 3 item(s): 3 succeeded" in out
    assert "205/205 items have a result, in input order: True" in out
    usage = next(line.split() for line in lines if line.startswith("gemini-3.5-flash"))
    assert usage[1:3] == ["batch", "205"]  # every item's tokens, retried ones included
    assert "no price known for model gemini-3.5-flash" in out
    assert lines[-1] == "Uploads left on the server: 0"
