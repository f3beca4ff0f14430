"""Every cassette is safe to publish (no keys, no multi-KB upload bodies) and replays on any day."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CASSETTES, cassette_problems, recorded_at

ALL = sorted(CASSETTES.rglob("*.yaml"))


def test_cassettes_exist() -> None:
    assert ALL, "cassettes/ holds no recordings; the replay tests would be empty"


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_cassette_has_no_key_and_no_large_body(path: Path) -> None:
    assert cassette_problems(path) == []


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_cassette_knows_when_it_was_recorded(path: Path) -> None:
    # Replay runs at this time; without it a cassette with server times would be a time bomb.
    when = recorded_at(path)
    assert when is not None and when.tzinfo is not None


def test_every_cassette_folder_states_its_origin() -> None:
    readme = (CASSETTES / "README.md").read_text()
    folders = sorted({p.parent.name for p in ALL})
    missing = [f for f in folders if f"`{f}/`" not in readme]
    assert missing == [], f"cassettes/README.md does not say where {missing} came from"


def test_hygiene_check_catches_a_leak(tmp_path: Path) -> None:
    leaked = tmp_path / "bad.yaml"
    fake_key = "AIza" + "B" * 35
    leaked.write_text(
        "interactions:\n- request:\n    body: " + "x" * 9000 + "\n"
        "    headers:\n      x-goog-api-key:\n      - " + fake_key + "\n"
        "  response:\n    body:\n      string: ok\n"
    )
    problems = cassette_problems(leaked)
    assert any("key-like" in p for p in problems)
    assert any("unredacted" in p for p in problems)
    assert any("body is" in p for p in problems)
