"""``--help`` of the program and of every command is complete and exits 0."""

from __future__ import annotations

import pytest

from langchain_gemini_vision.cli._main import main

COMMANDS = [
    ["caption"], ["detect"], ["transcribe"], ["youtube"], ["demo"],
    ["files"], ["files", "ls"], ["files", "upload"], ["files", "wait"], ["files", "rm"],
]  # fmt: skip


def test_top_level_help_lists_commands_environment_and_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: gemini-vision")
    for command in ("caption", "detect", "transcribe", "youtube", "files", "demo"):
        assert f"    {command}" in out
    for code in range(6):
        assert f"\n  {code}  " in out
    assert "GOOGLE_API_KEY" in out and "GEMINI_VISION_BASE_URL" in out


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: gemini-vision {' '.join(command)}")
    if command != ["files"]:
        assert "--json" in out and "--quiet" in out


def test_specific_options_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    main(["detect", "--help"])
    assert "--annotate OUT.png" in capsys.readouterr().out
    main(["transcribe", "--help"])
    out = capsys.readouterr().out
    assert "--srt" in out and "--vtt" in out and "--output" in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["caption"]) == 2
    assert main(["detect", "--max-objects", "many", "x.png", "cat"]) == 2
    assert main(["transcribe", "v.mp4", "--srt", "--vtt"]) == 2
    assert "usage: gemini-vision" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("gemini-vision 0.")
