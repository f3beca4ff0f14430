"""Per-item errors of a batch are the package's typed errors, in their slots, never job-wide."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.batch import (
    BatchItemError,
    caption_request,
    detection_request,
    submit_batch,
)
from langchain_gemini_vision.batch._errors import item_error
from langchain_gemini_vision.batch._items import ItemRecord
from langchain_gemini_vision.errors import (
    AuthenticationError,
    GeminiVisionError,
    InvalidRequestError,
    RateLimitError,
    RequestTimeoutError,
    ResponseBlockedError,
    ResponseParseError,
    ServiceUnavailableError,
)
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.types import CaptionResult

from ._media import write_images

# key -> (injected HTTP code, the taxonomy class the item's error must be, retryable)
INJECTED: dict[str, tuple[int, type[GeminiVisionError], bool]] = {
    "000001": (429, RateLimitError, True),
    "000002": (400, InvalidRequestError, False),
    "000003": (500, ServiceUnavailableError, True),
    "000004": (503, ServiceUnavailableError, True),
    "000005": (504, RequestTimeoutError, True),
    "000006": (403, AuthenticationError, False),
    "000007": (404, InvalidRequestError, False),
}


@pytest.fixture
def llm(fake_server: FakeGeminiServer) -> ChatGoogleGenerativeAI:
    return fake_server.llm(max_retries=1)


def test_injected_item_errors_map_to_the_taxonomy_in_their_slots(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 9)
    fake_server.add_rule(text="a caption")
    for key, (code, _cls, _retry) in INJECTED.items():
        fake_server.fail_batch_items([key], code=code, message=f"injected {code}")
    job = submit_batch([caption_request(p) for p in paths], llm=llm).wait(poll=1)
    results = job.results()
    assert [r.index for r in results] == list(range(9))
    assert results[0].ok and results[8].ok and isinstance(results[8].result, CaptionResult)
    for key, (code, cls, retryable) in INJECTED.items():
        slot = results[int(key)]
        error = slot.error
        assert not slot.ok and isinstance(error, cls) and isinstance(error, BatchItemError), key
        assert (error.key, error.index, error.code, error.status) == (key, int(key), code, code)
        assert error.server_message == f"injected {code}" and error.retryable is retryable
        assert error.what_to_do and str(error).endswith(error.what_to_do)
        assert ("retry_failed" in error.what_to_do) is retryable
    rate = results[1].error
    assert isinstance(rate, BatchItemError) and rate.status_name == "RESOURCE_EXHAUSTED"
    # A 404 item is a refused request, not a missing resource of ours: no subclass mix-up.
    assert not isinstance(results[7].error, AuthenticationError)
    retry = job.retry_failed(results)
    assert retry is not None and {i.key for i in retry.items} == set(INJECTED)


def test_an_unparseable_answer_is_a_parse_error_in_its_slot(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 3)
    fake_server.add_rule(has_schema=True, json=[{"box_2d": [0, 0, 500, 500], "label": "cat"}])
    # The emulator tries the rule added last first.
    fake_server.add_rule(has_schema=True, prompt_contains="zebra", text='{"answer": "a zebra"}')
    fake_server.add_rule(has_schema=False, block_reason="SAFETY")
    reqs = [
        detection_request(paths[0], "cat"),
        detection_request(paths[1], "zebra"),
        caption_request(paths[2]),
    ]
    results = submit_batch(reqs, llm=llm).wait(poll=1).results()
    assert results[0].ok
    parse = results[1].error
    assert isinstance(parse, ResponseParseError) and isinstance(parse, BatchItemError)
    assert parse.key == "000001" and parse.index == 1 and parse.raw_text == '{"answer": "a zebra"}'
    assert parse.retryable and parse.code == 0
    blocked = results[2].error
    assert isinstance(blocked, ResponseBlockedError) and isinstance(blocked, BatchItemError)
    assert blocked.reason == "SAFETY" and blocked.index == 2


def test_a_response_the_sdk_cannot_read_fails_only_its_item(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    (path,) = write_images(tmp_path, 1)
    fake_server.add_rule(text="a caption")
    job = submit_batch([caption_request(path)], llm=llm).wait(poll=1)
    item = ItemRecord("k", 4, "caption", job.items[0].context)
    slot = job._item_result(item, {"response": {"candidates": [{"content": {"parts": "x"}}]}})
    assert isinstance(slot.error, ResponseParseError) and isinstance(slot.error, BatchItemError)
    assert (slot.key, slot.index, slot.error.index) == ("k", 4, 4)
    assert '"parts": "x"' in slot.error.raw_text and "ValidationError" in str(slot.error)
    missing = job._item_result(item, None)
    assert isinstance(missing.error, ServiceUnavailableError)
    assert isinstance(missing.error, BatchItemError) and missing.error.retryable
    assert str(missing.error).count("retry_failed") == 1


@pytest.mark.parametrize(
    ("error", "cls", "code", "name"),
    [
        ({"code": 8, "message": "Quota exceeded"}, RateLimitError, 429, "RESOURCE_EXHAUSTED"),
        ({"code": 3, "message": "Bad"}, InvalidRequestError, 400, "INVALID_ARGUMENT"),
        ({"code": 14, "message": "Later"}, ServiceUnavailableError, 503, "UNAVAILABLE"),
        ({"code": 4, "message": "Slow"}, RequestTimeoutError, 504, "DEADLINE_EXCEEDED"),
        ({"status": "INTERNAL", "message": "Oops"}, ServiceUnavailableError, 500, "INTERNAL"),
        ({"message": "no code at all"}, ServiceUnavailableError, 500, "INTERNAL"),
    ],
)
def test_grpc_codes_and_bare_status_names_map_like_http_codes(
    error: dict[str, object], cls: type[GeminiVisionError], code: int, name: str
) -> None:
    typed = item_error("k1", error, index=3)
    assert isinstance(typed, cls) and isinstance(typed, BatchItemError)
    assert (typed.code, typed.status, typed.status_name, typed.index) == (code, code, name, 3)


def test_item_errors_redact_keys_honour_retry_info_and_survive_pickling() -> None:
    leaked = "AIza" + "S" * 35
    typed = item_error(
        "k1",
        {
            "code": 429,
            "message": f"Quota exceeded for key={leaked}",
            "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "46s"}],
        },
        job_name="batches/abc",
    )
    assert isinstance(typed, RateLimitError) and typed.retry_after_s == pytest.approx(46)
    assert leaked not in str(typed) and leaked not in typed.server_message
    again = pickle.loads(pickle.dumps(typed))
    assert type(again) is type(typed) and isinstance(again, RateLimitError)
    assert (again.key, again.code, again.retry_after_s, str(again)) == (
        "k1",
        429,
        typed.retry_after_s,
        str(typed),
    )
