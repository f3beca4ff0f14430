"""Recorded-HTTP tests: replay by default, re-record with `make record` (live) or from the emulator.

Three ways to run a test here, chosen by pytest-recording's ``--record-mode`` and an env var:
- replay (``--record-mode=none``, the default in pyproject): the model points at Google's real
  host and vcrpy answers every request from ``cassettes/<module>/<test>.yaml``; nothing leaves
  the machine.
- live recording (``make record`` with GOOGLE_API_KEY): real traffic to the Gemini API.
- emulator recording (``GEMINI_VISION_RECORD_TARGET=emulator``): traffic to a FakeGeminiServer
  whose address is rewritten to Google's host, so the cassette replays the same way.
  cassettes/README.md says which cassettes were made which way.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
import yaml
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import build_llm
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import DemoSamples, install_demo_world, write_samples

GOOGLE = "https://generativelanguage.googleapis.com"
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
REPLAY_KEY = "replay-placeholder-key"
_UPLOAD_PLACEHOLDER = "<upload bytes elided: {n} bytes>"


_LOCAL_ORIGIN = re.compile(r"http://(?:127\.0\.0\.1|localhost):\d+")


def _to_google(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.hostname in ("127.0.0.1", "localhost"):
        google = urlsplit(GOOGLE)
        return urlunsplit((google.scheme, google.netloc, parts.path, parts.query, parts.fragment))
    return uri


def _recording_from_emulator() -> bool:
    return os.environ.get("GEMINI_VISION_RECORD_TARGET", "live") == "emulator"


_INLINE_KEEP_CHARS = 1024
_GENERATE = re.compile(r":(?:generateContent|streamGenerateContent)\b")


def _elide_inline_data(body: bytes) -> bytes:
    """Replace large base64 ``inlineData`` payloads in a generate request with a placeholder.

    Requests are matched on method and path only, so the recorded body is documentation: keeping
    a multi-KB image in it would bloat the cassette without making replay any stricter.
    """
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    changed = False
    for content in payload.get("contents", []) if isinstance(payload, dict) else []:
        for part in content.get("parts", []):
            inline = part.get("inlineData") or part.get("inline_data")
            if isinstance(inline, dict) and len(str(inline.get("data", ""))) > _INLINE_KEEP_CHARS:
                inline["data"] = f"<{len(inline['data'])} base64 characters elided>"
                changed = True
    return json.dumps(payload).encode() if changed else body


def scrub_request(request: Any) -> Any:
    """Drop secrets, upload bytes and big inline media; point emulator traffic at Google's host."""
    request.uri = _to_google(request.uri)
    if request.body and _GENERATE.search(request.uri):
        request.body = _elide_inline_data(request.body)
    for key in list(request.headers):
        if key.lower() == "host" and _LOCAL_ORIGIN.match("http://" + str(request.headers[key])):
            request.headers[key] = urlsplit(GOOGLE).netloc
    command = str(request.headers.get("X-Goog-Upload-Command", "")).lower()
    if "upload" in command and request.body:
        size = len(request.body)
        request.body = _UPLOAD_PLACEHOLDER.format(n=size).encode()
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Keep upload headers (replay needs them) but rewrite emulator addresses to Google's."""
    headers = response.setdefault("headers", {})
    for key in list(headers):
        headers[key] = [_LOCAL_ORIGIN.sub(GOOGLE, str(v)) for v in headers[key]]
    if _recording_from_emulator():
        # Said inside every emulator-made interaction, so nobody mistakes it for live traffic.
        headers["x-recorded-from"] = ["FakeGeminiServer (langchain_gemini_vision.testing)"]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # No record_mode here on purpose: it would override --record-mode=none from the command line.
    return {
        "filter_headers": [("x-goog-api-key", "REDACTED"), ("authorization", "REDACTED")],
        "filter_query_parameters": [("key", "REDACTED")],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "match_on": ["method", "path"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.rsplit(".", 1)[-1])


def recorded_at(cassette: Path) -> datetime | None:
    """When a cassette was recorded: the ``Date`` header of its first answer (None: unknown)."""
    try:
        data = yaml.safe_load(cassette.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    for interaction in data.get("interactions", []):
        headers = {k.lower(): v for k, v in (interaction["response"].get("headers") or {}).items()}
        for value in headers.get("date", []):
            return parsedate_to_datetime(str(value))
    return None


@pytest.fixture(autouse=True)
def _replay_at_recording_time(
    request: pytest.FixtureRequest, vcr_cassette_dir: str, default_cassette_name: str
) -> Iterator[None]:
    """Replay runs with the wall clock at the cassette's recording time (ticking from there).

    Recorded answers carry server times (a file's ``expirationTime``): compared with today's
    clock they would expire, and the suite would turn red days after it was recorded.
    """
    when = None
    if str(request.config.getoption("--record-mode") or "none") == "none":
        when = recorded_at(Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml")
    if when is None:
        yield
        return
    with time_machine.travel(when, tick=True):
        yield


@dataclass
class CassetteBackend:
    """What a cassette test talks to; ``server`` is set only when recording from the emulator."""

    llm: ChatGoogleGenerativeAI
    server: FakeGeminiServer | None
    mode: str

    def script(self, fn: Callable[[FakeGeminiServer], None]) -> None:
        """Script the emulator's answers (a no-op on replay and live recording)."""
        if self.server is not None:
            fn(self.server)


@pytest.fixture
def cassette_backend(request: pytest.FixtureRequest) -> Iterator[CassetteBackend]:
    record_mode = str(request.config.getoption("--record-mode") or "none")
    if record_mode == "none":
        yield CassetteBackend(build_llm(api_key=REPLAY_KEY, max_retries=0), None, "replay")
        return
    if _recording_from_emulator():
        # The demo world answers every capability in the live API's shapes; videos stay
        # PROCESSING for two polls so the recorded flow includes real polling.
        with install_demo_world(FakeGeminiServer(processing_polls=2)) as server:
            yield CassetteBackend(server.llm(max_retries=0), server, "emulator")
        return
    yield CassetteBackend(build_llm(max_retries=2), None, "live")


SAMPLES_DIR = Path(tempfile.mkdtemp(prefix="lcgv-cassette-samples-"))
SAMPLES: DemoSamples = write_samples(SAMPLES_DIR)
"""Deterministic sample media, the same bytes at record and replay time."""


KEY_PATTERNS = (re.compile(r"AIza[0-9A-Za-z_\-]{35}"), re.compile(r"ya29\.[0-9A-Za-z_\-]{20,}"))


def cassette_problems(path: Path, max_body_bytes: int = 8 * 1024) -> list[str]:
    """Key-like strings or oversize bodies in one cassette file."""
    text = path.read_text()
    problems = [f"{path.name}: key-like string" for pat in KEY_PATTERNS if pat.search(text)]
    data = yaml.safe_load(text) or {}
    for i, interaction in enumerate(data.get("interactions", [])):
        for side in ("request", "response"):
            part = interaction.get(side, {})
            body = part.get("body")
            if isinstance(body, dict):
                body = body.get("string")
            size = len(body if isinstance(body, (bytes, str)) else json.dumps(body or ""))
            if size > max_body_bytes:
                problems.append(f"{path.name}#{i} {side} body is {size} bytes")
            headers = {k.lower(): v for k, v in (part.get("headers") or {}).items()}
            for value in headers.get("x-goog-api-key", []):
                if value != "REDACTED":
                    problems.append(f"{path.name}#{i} unredacted x-goog-api-key")
    return problems
