"""The fake server's Batch Mode and cachedContents, driven through the real google-genai SDK."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from google.genai import errors, types

from langchain_gemini_vision._core.clock import utc_now
from langchain_gemini_vision.testing import FakeGeminiServer, Reply

MODEL = "gemini-3.5-flash"


def _inline(*texts: str) -> list[types.InlinedRequest]:
    return [
        types.InlinedRequest(contents=text, metadata={"key": f"k{i}"})
        for i, text in enumerate(texts)
    ]


def test_inline_job_goes_pending_running_succeeded_with_wire_format(
    fake_server: FakeGeminiServer,
) -> None:
    fake_server.batch_pending_polls = 1
    fake_server.batch_running_polls = 1
    fake_server.add_rule(prompt_contains="cat", text="A cat.")
    client = fake_server.client()
    job = client.batches.create(
        model=MODEL, src=_inline("a cat", "a dog"), config={"display_name": "pets"}
    )
    sent = fake_server.requests[-1]
    assert sent.path == f"/v1beta/models/{MODEL}:batchGenerateContent"
    assert sent.json["batch"]["inputConfig"]["requests"]["requests"][0]["metadata"] == {"key": "k0"}
    assert job.state == types.JobState.JOB_STATE_PENDING
    raw = fake_server.requests[-1].response_json
    assert raw["metadata"]["batchStats"] == {"requestCount": "2", "pendingRequestCount": "2"}
    assert "done" not in raw
    states = [client.batches.get(name=job.name).state for _ in range(3)]
    assert states == [
        types.JobState.JOB_STATE_PENDING,
        types.JobState.JOB_STATE_RUNNING,
        types.JobState.JOB_STATE_SUCCEEDED,
    ]
    final = fake_server.requests[-1].response_json
    assert final["done"] is True
    assert final["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
    assert final["response"]["inlinedResponses"] == final["metadata"]["output"]["inlinedResponses"]
    done = client.batches.get(name=job.name)
    assert done.dest is not None and done.dest.inlined_responses is not None
    answers = [r.response.text for r in done.dest.inlined_responses if r.response]
    assert answers[0] == "A cat."
    assert [r.metadata for r in done.dest.inlined_responses] == [{"key": "k0"}, {"key": "k1"}]


def test_file_job_results_file_is_downloadable_and_matched_by_key(
    fake_server: FakeGeminiServer,
) -> None:
    fake_server.add_rule(prompt_contains="cat", text="A cat.")
    fake_server.fail_batch_items(["b"], code=500, message="boom")
    client = fake_server.client()
    lines = "".join(
        json.dumps({"key": key, "request": {"contents": [{"parts": [{"text": text}]}]}}) + "\n"
        for key, text in [("a", "cat"), ("b", "dog"), ("c", "cat again")]
    )
    uploaded = client.files.upload(
        file=io.BytesIO(lines.encode()), config={"mime_type": "application/jsonl"}
    )
    job = client.batches.create(model=MODEL, src=uploaded.name)
    done = client.batches.get(name=job.name)
    assert done.dest is not None and done.dest.file_name == f"files/batch-{job.name[8:]}"
    stats = fake_server.requests[-1].response_json["metadata"]["batchStats"]
    assert stats == {"requestCount": "3", "successfulRequestCount": "2", "failedRequestCount": "1"}
    data = client.files.download(file=done.dest.file_name)
    by_key = {entry["key"]: entry for entry in map(json.loads, data.decode().splitlines())}
    assert by_key["a"]["response"]["candidates"][0]["content"]["parts"][0]["text"] == "A cat."
    assert by_key["b"]["error"] == {"code": 500, "message": "boom", "status": "INTERNAL"}
    with pytest.raises(errors.ClientError, match="cannot be downloaded"):
        client.files.download(file=uploaded.name)


def test_cancel_delete_list_and_expiry(fake_server: FakeGeminiServer) -> None:
    fake_server.batch_hold = True
    client = fake_server.client()
    first = client.batches.create(model=MODEL, src=_inline("one"))
    second = client.batches.create(model=MODEL, src=_inline("two"))
    assert {j.name for j in client.batches.list(config={"page_size": 1})} == {
        first.name,
        second.name,
    }
    client.batches.cancel(name=first.name)
    assert client.batches.get(name=first.name).state == types.JobState.JOB_STATE_CANCELLED
    with pytest.raises(errors.ClientError, match="already ended"):
        client.batches.cancel(name=first.name)
    start = utc_now()
    fake_server.now = lambda: start + timedelta(hours=48, seconds=1)
    expired = client.batches.get(name=second.name)
    assert expired.state == types.JobState.JOB_STATE_EXPIRED
    assert expired.dest is None
    client.batches.delete(name=first.name)
    with pytest.raises(errors.ClientError) as info:
        client.batches.get(name=first.name)
    assert info.value.code == 404


def test_advance_and_item_errors_from_rules_and_bad_requests(
    fake_server: FakeGeminiServer,
) -> None:
    fake_server.batch_hold = True
    fake_server.add_rule(prompt_contains="quota", handler=lambda _req: Reply(error_status=429))
    client = fake_server.client()
    src = [
        {"contents": [{"parts": [{"text": "quota please"}]}], "metadata": {"key": "q"}},
        {
            "contents": [{"parts": [{"file_data": {"file_uri": "files/nosuchfile01"}}]}],
            "metadata": {"key": "missing"},
        },
    ]
    job = client.batches.create(model=MODEL, src=src)  # type: ignore[arg-type]
    fake_server.advance_batches()
    assert client.batches.get(name=job.name).state == types.JobState.JOB_STATE_RUNNING
    fake_server.advance_batches()
    done = client.batches.get(name=job.name)
    assert done.dest is not None and done.dest.inlined_responses is not None
    errors_by_key = {r.metadata["key"]: r.error for r in done.dest.inlined_responses if r.metadata}
    assert errors_by_key["q"] is not None and errors_by_key["q"].code == 429
    assert errors_by_key["missing"] is not None and errors_by_key["missing"].code == 403


def test_failed_job_carries_operation_error(fake_server: FakeGeminiServer) -> None:
    fake_server.batch_hold = True
    client = fake_server.client()
    job = client.batches.create(model=MODEL, src=_inline("x"))
    fake_server.fail_batch(job.name, "quota of batch tokens exceeded")
    assert client.batches.get(name=job.name).state == types.JobState.JOB_STATE_FAILED
    raw = fake_server.requests[-1].response_json
    assert raw["done"] is True and raw["error"]["message"] == "quota of batch tokens exceeded"


def test_cached_contents_lifecycle_and_usage(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(prompt_contains="long document", text="Seen the cache.")
    client = fake_server.client()
    with pytest.raises(errors.ClientError, match=r"min_total_token_count=1024"):
        client.caches.create(model=MODEL, config={"contents": ["short"]})
    cache = client.caches.create(
        model=MODEL,
        config={
            "contents": ["a long document " * 400],
            "system_instruction": "Be brief.",
            "ttl": "300s",
        },
    )
    assert cache.usage_metadata is not None
    cached_tokens = cache.usage_metadata.total_token_count
    assert cached_tokens is not None and cached_tokens >= 1024
    answer = client.models.generate_content(
        model=MODEL, contents="what is it?", config={"cached_content": cache.name}
    )
    assert answer.text == "Seen the cache."
    usage = answer.usage_metadata
    assert usage is not None and usage.cached_content_token_count == cached_tokens
    assert usage.prompt_token_count is not None and usage.prompt_token_count > cached_tokens
    assert fake_server.requests[-1].json["cachedContent"] == cache.name
    with pytest.raises(errors.ClientError, match="can not be used with GenerateContent"):
        client.models.generate_content(
            model=MODEL,
            contents="q",
            config={"cached_content": cache.name, "system_instruction": "no"},
        )
    updated = client.caches.update(name=cache.name, config={"ttl": "3600s"})
    assert updated.expire_time is not None and cache.expire_time is not None
    assert updated.expire_time > cache.expire_time
    assert [c.name for c in client.caches.list()] == [cache.name]
    client.caches.delete(name=cache.name)
    with pytest.raises(errors.ClientError):
        client.caches.get(name=cache.name)


def test_cache_expires_on_the_server_clock(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    cache = client.caches.create(model=MODEL, config={"contents": ["word " * 5000], "ttl": "60s"})
    start = utc_now()
    fake_server.now = lambda: start + timedelta(minutes=2)
    with pytest.raises(errors.ClientError) as info:
        client.models.generate_content(
            model=MODEL, contents="q", config={"cached_content": cache.name}
        )
    assert info.value.code == 403


def test_reset_forgets_jobs_item_faults_and_caches(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    fake_server.fail_batch_items(["k0"])
    client.batches.create(model=MODEL, src=_inline("x"))
    client.caches.create(model=MODEL, config={"contents": ["word " * 5000]})
    fake_server.reset()
    assert fake_server.batches == {} and fake_server.cached_contents == {}
    job = client.batches.create(model=MODEL, src=_inline("x"))
    done = client.batches.get(name=job.name)
    assert done.dest is not None and done.dest.inlined_responses is not None
    assert done.dest.inlined_responses[0].error is None
