"""CLI commands in-process against the demo world: outputs, files written and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.cli import _commands as commands
from langchain_gemini_vision.cli._main import main
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import SCENE_CAPTIONS, DemoSamples
from langchain_gemini_vision.testing.samples import make_mp4

from .conftest import TTY

FAST_POLLS = PollPolicy(first_interval_s=0.01, max_interval_s=0.02, jitter=0.0)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gemini-vision: error: ")
    assert "Traceback" not in err and "fake-key" not in err
    for needle in needles:
        assert needle in lines[0]


def test_caption_text_and_json(
    server: FakeGeminiServer, samples: DemoSamples, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "caption", str(samples.image), "--style", "one_line")
    assert code == 0 and out.strip() == SCENE_CAPTIONS["one_line"]
    code, out, _ = run(capsys, "caption", str(samples.image), "--json")
    data = json.loads(out)
    assert code == 0 and data["text"] == SCENE_CAPTIONS["detailed"]
    assert data["model"] == "gemini-3.5-flash" and data["usage"]["input_tokens"] > 0


def test_detect_prints_pixel_boxes_and_annotates(
    server: FakeGeminiServer, samples: DemoSamples, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out_png = tmp_path / "out" / "boxes.png"
    code, out, err = run(
        capsys, "detect", str(samples.image), "coffee mug", "apple", "--annotate", str(out_png)
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2 objects in the 1024x768 image")
    assert lines[1].split()[:2] == ["coffee", "mug"] and "(499, 430, 640, 560)" in lines[1]
    assert lines[2].split()[0] == "apple"
    with Image.open(out_png) as img:
        assert img.size == (1024, 768)
    assert f"annotated image: {out_png}" in err

    code, out, _ = run(capsys, "detect", str(samples.image), "wall clock", "--json")
    data = json.loads(out)
    assert code == 0 and [d["label"] for d in data["detections"]] == ["wall clock"]
    assert data["detections"][0]["box_2d"] == [65, 547, 247, 684]


def test_transcribe_formats(
    server: FakeGeminiServer, samples: DemoSamples, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    code, out, _ = run(capsys, "transcribe", str(samples.video))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 8
    assert lines[0].startswith("[00:00] Hi, I'm Sam.") and lines[-1].startswith("[01:24] Inflate")

    code, out, _ = run(capsys, "transcribe", str(samples.video), "--srt", "--no-visual")
    assert code == 0 and out.startswith("1\n00:00:00,000 --> 00:00:09,000\nHi, I'm Sam.")
    assert "[A person" not in out

    target = tmp_path / "t.vtt"
    code, out, err = run(capsys, "transcribe", str(samples.video), "--vtt", "-o", str(target))
    assert code == 0 and out == "" and "wrote 8 segment(s)" in err
    assert target.read_text().startswith("WEBVTT\n\n00:00:00.000 --> 00:00:09.000")

    code, out, _ = run(capsys, "transcribe", str(samples.video), "--json", "--start", "0:40")
    data = json.loads(out)
    assert code == 0 and [s["start_s"] for s in data["segments"]] == [47, 58, 72, 84]

    code, _, err = run(capsys, "transcribe", str(samples.video), "--json", "--srt")
    assert code == 2 and "choose one of" in err


def test_big_video_is_uploaded_with_progress_then_deleted(
    server: FakeGeminiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    big = tmp_path / "long.mp4"
    big.write_bytes(make_mp4(95.0, size_bytes=21 * 1024 * 1024))
    server.processing_polls = 1
    monkeypatch.setattr(commands, "POLL_POLICY", FAST_POLLS)
    tty = TTY()
    monkeypatch.setattr("sys.stderr", tty)
    code = main(["transcribe", str(big)])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("[00:00] Hi, I'm Sam.")
    progress = tty.getvalue()
    assert "\rupload long.mp4 [" in progress and "100%  22.0 MB/22.0 MB" in progress
    assert "PROCESSING" in progress and "transcribing window 1/1" in progress
    finals = [r.response_json["file"]["name"] for r in server.requests
              if isinstance(r.response_json, dict) and "file" in r.response_json]  # fmt: skip
    deletes = [r.path for r in server.requests if r.method == "DELETE"]
    assert len(finals) == 1 and deletes == [f"/v1beta/{finals[0]}"]
    assert finals[0] not in server.files


def test_youtube_summary_with_links_and_refused_link(
    server: FakeGeminiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "youtube", "https://youtu.be/aircAruvnKk", "--style", "bullets")
    assert code == 0 and out.startswith("- The task: recognise handwritten digits")
    assert "  [02:42] What is a neuron?  https://www.youtube.com/watch?v=aircAruvnKk&t=162s" in out

    server.clear_log()
    code, out, err = run(capsys, "youtube", "https://www.youtube.com/@3blue1brown")
    assert code == 3 and out == ""
    assert_one_line_error(err)
    assert server.requests == []  # refused before any request


def test_refused_and_missing_media_exit_3(
    server: FakeGeminiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image at all\n" * 20)
    code, out, err = run(capsys, "caption", str(notes))
    assert code == 3 and out == ""
    assert_one_line_error(err)
    code, _, err = run(capsys, "detect", str(tmp_path / "missing.png"), "cat")
    assert code == 3
    assert_one_line_error(err, "missing.png")
    assert server.generate_requests() == []


def test_no_key_exits_5(
    server: FakeGeminiServer, samples: DemoSamples, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.delenv("GOOGLE_API_KEY")
    code, _, err = run(capsys, "caption", str(samples.image))
    assert code == 5
    assert_one_line_error(err, "GOOGLE_API_KEY")


def test_rejected_key_exits_5_without_showing_it(
    server: FakeGeminiServer, samples: DemoSamples, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    secret = (
        "AIza" + "SyD-this-is-not-a-real-key-0123456789"
    )  # built so no key-like literal is tracked
    monkeypatch.setenv("GOOGLE_API_KEY", secret)
    code, out, err = run(capsys, "files", "ls")
    assert code == 5 and secret not in out + err
    assert_one_line_error(err, "API key not valid")


def test_api_failure_exits_1_in_one_line(
    server: FakeGeminiServer, samples: DemoSamples, capsys: pytest.CaptureFixture[str]
) -> None:
    server.inject_fault(503, times=5, path_contains=":generateContent")
    code, _, err = run(capsys, "caption", str(samples.image), "--max-retries", "0")
    assert code == 1
    assert_one_line_error(err, "503", "overloaded")


def test_files_upload_ls_wait_rm(
    server: FakeGeminiServer, samples: DemoSamples, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    server.processing_polls = 1
    monkeypatch.setattr(commands, "POLL_POLICY", FAST_POLLS)
    code, out, _ = run(capsys, "files", "upload", str(samples.video), "--json")
    (uploaded,) = json.loads(out)
    assert code == 0 and uploaded["state"] == "ACTIVE" and uploaded["mime_type"] == "video/mp4"
    assert uploaded["display_name"].startswith("lcgv-")
    name = uploaded["name"]

    code, out, _ = run(capsys, "files", "ls")
    assert code == 0 and any(line.startswith(f"{name}  ACTIVE") for line in out.splitlines())

    code, out, _ = run(capsys, "files", "wait", name, "--json")
    assert code == 0 and json.loads(out)[0]["state"] == "ACTIVE"

    code, out, _ = run(capsys, "files", "rm", name)
    assert code == 0 and out.strip() == f"{name}  deleted"
    code, out, _ = run(capsys, "files", "rm", name)
    assert out.strip() == f"{name}  already gone"
    code, out, err = run(capsys, "files", "ls", "--json")
    assert code == 0 and json.loads(out) == []

    code, _, err = run(capsys, "files", "rm")
    assert code == 2 and "NAME" in err


def test_files_wait_on_failed_or_slow_file_exits_4(
    server: FakeGeminiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = server.add_file(mime_type="video/mp4", state="FAILED", error_message="bad codec")
    code, _, err = run(capsys, "files", "wait", failed.name)
    assert code == 4
    assert_one_line_error(err, "bad codec")

    slow = server.add_file(mime_type="video/mp4", state="PROCESSING")
    code, _, err = run(capsys, "files", "wait", slow.name, "--timeout", "0")
    assert code == 4
    assert_one_line_error(err, slow.name)


def test_demo_runs_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "demo"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("OFFLINE (emulated): no GOOGLE_API_KEY set")
    assert "7 objects in the 1024x768 image" in out
    assert "[00:21] Hook two tyre levers" in out
    assert "https://www.youtube.com/watch?v=aircAruvnKk&t=162s" in out
    with Image.open(tmp_path / "demo" / "scene-annotated.png") as img:
        assert img.size == (1024, 768)


def test_json_transcript_of_a_temporary_upload_reports_no_dead_uri(
    server: FakeGeminiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    big = tmp_path / "long.mp4"
    big.write_bytes(make_mp4(95.0, size_bytes=21 * 1024 * 1024))
    monkeypatch.setattr(commands, "POLL_POLICY", FAST_POLLS)
    code, out, _ = run(capsys, "transcribe", str(big), "--json")
    payload = json.loads(out)
    assert code == 0 and payload["segments"]
    assert payload["source"] == str(big) and payload["gemini_file_uri"] is None


@pytest.mark.parametrize(("flag", "sent_side"), [("256", 256), ("original", 1024)])
def test_max_side_takes_pixels_or_original(
    server: FakeGeminiServer, samples: DemoSamples, capsys: pytest.CaptureFixture[str],
    flag: str, sent_side: int,
) -> None:  # fmt: skip
    code, _, err = run(capsys, "caption", str(samples.image), "--max-side", flag)
    assert code == 0, err
    (request,) = server.generate_requests()
    data = request.media[0].data
    assert data is not None
    with Image.open(io.BytesIO(data)) as sent:
        assert max(sent.size) == sent_side
    server.clear_log()
    # Boxes stay in pixels of the 1024x768 original whatever size was sent.
    code, out, err = run(capsys, "detect", str(samples.image), "coffee mug", "--max-side", flag)
    assert code == 0, err
    assert out.splitlines()[0].startswith("1 object in the 1024x768 image")


def test_max_side_rejects_words_other_than_original(
    server: FakeGeminiServer, samples: DemoSamples, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "caption", str(samples.image), "--max-side", "huge")
    assert code == 2
    assert "neither a number of pixels nor 'original'" in err
    assert server.generate_requests() == []
