"""``gemini-vision batch``: submit over a folder or a list file, then status, wait, results."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from langchain_gemini_vision.cli import _main as cli
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def env(fake_server: FakeGeminiServer, monkeypatch: pytest.MonkeyPatch) -> FakeGeminiServer:
    monkeypatch.setenv("GOOGLE_API_KEY", fake_server.api_key)
    monkeypatch.setenv("GEMINI_VISION_BASE_URL", fake_server.url)
    return fake_server


def run(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    out, err = io.StringIO(), TTY()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def test_submit_folder_and_list_then_wait_and_results(
    env: FakeGeminiServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.png").write_bytes(make_png(30 + i, 20))
    (folder / "notes.md").write_text("not an image")
    extra = tmp_path / "extra.png"
    extra.write_bytes(make_png(50, 20))
    listing = tmp_path / "list.txt"
    listing.write_text("# more\nextra.png\n")
    # status consumes the one PENDING poll, so wait ends at its first look (no sleeping).
    env.batch_pending_polls = 1
    env.fail_batch_items(lambda key, _r: key.endswith("p1.png"), code=400, message="bad image")
    env.add_rule(text="a caption")
    job = tmp_path / "job.json"
    code, out, err = run(
        ["batch", "submit", str(folder), str(listing), "--job", str(job), "--style", "one_line"],
        monkeypatch,
    )
    assert code == 0, err
    assert "items 4/4" in err and "submitted batches/" in err
    assert "PENDING" in out
    code, out, _ = run(["batch", "status", "--job", str(job), "--json"], monkeypatch)
    assert json.loads(out)["state"] == "PENDING" and json.loads(out)["total"] == 4
    code, out, err = run(["batch", "wait", "--job", str(job)], monkeypatch)
    assert code == 0 and "SUCCEEDED  4/4 items done, 1 failed" in out
    assert "SUCCEEDED 4/4" in err  # the progress line
    results = tmp_path / "out.jsonl"
    code, _, err = run(["batch", "results", "--job", str(job), "-o", str(results)], monkeypatch)
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert [Path(line["key"]).name for line in lines] == ["p0.png", "p1.png", "p2.png", "extra.png"]
    assert [line["index"] for line in lines] == [0, 1, 2, 3]
    assert lines[0]["result"]["text"] == "a caption"
    assert (
        lines[1]["error"]["type"] == "BatchItemInvalidRequestError"
        and "bad image" in lines[1]["error"]["message"]
    )
    assert "1 item(s) failed" in err


def test_cancel_and_usage_errors(
    env: FakeGeminiServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env.batch_hold = True
    image = tmp_path / "a.png"
    image.write_bytes(make_png(20, 20))
    job = tmp_path / "job.json"
    assert run(["batch", "submit", str(image), "--job", str(job)], monkeypatch)[0] == 0
    code, out, _ = run(["batch", "cancel", "--job", str(job)], monkeypatch)
    assert code == 0 and "CANCELLED" in out
    code, _, err = run(["batch", "results", "--job", str(job)], monkeypatch)
    assert code != 0 and "cancelled" in err
    code, _, err = run(
        ["batch", "submit", str(image), "--job", str(job), "--task", "detect"], monkeypatch
    )
    assert code == 2 and "--target" in err
