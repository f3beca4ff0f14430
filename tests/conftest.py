"""Shared pytest fixtures, and the suite's guarantees of hermeticity and time independence.

- Every test runs with the package's environment variables cleared (model, base URL, keys, cache
  folder, proxies, tracing), so a developer's shell cannot change a result; the reuse index lives in
  a per-test temporary folder. Live recording (``--record-mode`` other than ``none`` without the
  emulator) keeps the API key, which it needs.
- ``--clock-shift-days=N`` runs the whole suite with the wall clock moved N days ahead (CI uses
  400), proving that no test depends on today's date. Monotonic clocks are not moved.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine

from langchain_gemini_vision._core.clock import utc_now
from langchain_gemini_vision._core.poll_schedule import OBSERVED_RATES
from langchain_gemini_vision.testing import FakeGeminiServer

# Everything the package, the SDK or LangChain read from the environment that could change a test.
_ENV_PREFIXES = ("GEMINI_VISION_", "GOOGLE_GENAI_", "GOOGLE_CLOUD_", "LANGSMITH_", "LANGCHAIN_")
_ENV_NAMES = frozenset(
    {
        "GOOGLE_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "XDG_CACHE_HOME",
    }
)
_KEY_NAMES = ("GOOGLE_API_KEY", "GEMINI_API_KEY")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        help="Run every test with the wall clock moved this many days ahead (monotonic untouched).",
    )


def _recording_live(config: pytest.Config) -> bool:
    mode = str(config.getoption("--record-mode", default="none") or "none")
    return mode != "none" and os.environ.get("GEMINI_VISION_RECORD_TARGET") != "emulator"


def _polluting(name: str) -> bool:
    upper = name.upper()
    return upper in _ENV_NAMES or upper.startswith(_ENV_PREFIXES)


@pytest.fixture(autouse=True)
def _hermetic_environment(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Clear the caller's environment and keep the File API reuse index out of the user's cache."""
    live = _recording_live(request.config)
    for name in list(os.environ):
        if _polluting(name) and not (live and name in _KEY_NAMES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GEMINI_VISION_CACHE_DIR", str(tmp_path_factory.mktemp("upload-index")))


@pytest.fixture(scope="session", autouse=True)
def _shifted_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Move the wall clock ``--clock-shift-days`` ahead for the whole session (0: untouched)."""
    days = int(request.config.getoption("--clock-shift-days"))
    if not days:
        yield
        return
    with time_machine.travel(utc_now() + timedelta(days=days), tick=True):
        yield


def pytest_report_header(config: pytest.Config) -> str | None:
    days = int(config.getoption("--clock-shift-days"))
    return f"wall clock shifted {days} days ahead" if days else None


@pytest.fixture
def fake_server() -> Iterator[FakeGeminiServer]:
    """A running FakeGeminiServer with default settings, stopped after the test."""
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_processing_observations() -> Iterator[None]:
    """Each test starts with no learned processing speed (it changes the polling schedule)."""
    OBSERVED_RATES.clear()
    yield
    OBSERVED_RATES.clear()
