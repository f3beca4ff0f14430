"""Context caching through LangChain (VideoSession) and cost accounting (UsageReport)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from langchain_gemini_vision import VideoSession
from langchain_gemini_vision.batch import caption_request, submit_batch
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4
from langchain_gemini_vision.types import TokenUsage
from langchain_gemini_vision.usage import DEFAULT_PRICES, ModelPrice, PriceTable, UsageReport

from ._media import write_images


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "lecture.mp4"
    path.write_bytes(make_mp4(120.0, size_bytes=300_000))
    return path


def _uploads(server: FakeGeminiServer) -> int:
    return sum(
        1
        for r in server.requests
        if r.path == "/upload/v1beta/files" and "upload_id" not in r.query
    )


def test_five_questions_one_upload_one_cache_and_cached_tokens_reported(
    fake_server: FakeGeminiServer, video: Path
) -> None:
    fake_server.video_duration_s = 120.0
    fake_server.add_rule(has_media="video/", text="It is a lecture.")
    llm = fake_server.llm(max_retries=1)
    with VideoSession(video, llm=llm, ttl_s=600) as session:
        answers = [session.ask(f"question {i}?") for i in range(5)]
        assert session.cache_name is not None and session.cached_tokens > 1024
        assert [a.text for a in answers] == ["It is a lecture."] * 5
        session.extend(1200)
        cache_name = session.cache_name
    assert _uploads(fake_server) == 1
    creates = [r for r in fake_server.requests if r.path == "/v1beta/cachedContents"]
    assert len(creates) == 1
    asks = [r for r in fake_server.requests if r.path.endswith(":generateContent")]
    assert len(asks) == 5
    # The video travels once, in the cache; questions carry only text and the cache's name.
    assert all(r.json["cachedContent"] == cache_name for r in asks)
    assert all("fileData" not in str(r.json["contents"]) for r in asks)
    assert session.usage.cached_tokens == 5 * session.cached_tokens
    (totals,) = session.report.totals.values()
    assert totals.calls == 5 and totals.cached_tokens == session.usage.cached_tokens
    # The report's row shows the cached tokens (column 5), not just a "cached" header.
    row = session.report.to_text().splitlines()[1].split()
    assert row[2] == "5" and row[4] == str(session.usage.cached_tokens) != "0"
    assert fake_server.files == {} and fake_server.cached_contents == {}
    patches = [r for r in fake_server.requests if r.method == "PATCH"]
    assert len(patches) == 1 and patches[0].json == {"ttl": "1200s"}


def test_below_the_model_minimum_falls_back_to_plain_requests(
    fake_server: FakeGeminiServer, video: Path
) -> None:
    fake_server.cache_min_tokens = {"*": 10**7}
    fake_server.add_rule(has_media="video/", text="Plain answer.")
    llm = fake_server.llm(max_retries=1)

    async def run() -> list[str]:
        async with VideoSession(video, llm=llm) as session:
            assert session.cache_name is None and session.min_cache_tokens == 10**7
            return [(await session.aask(q)).text for q in ("a?", "b?")]

    assert asyncio.run(run()) == ["Plain answer.", "Plain answer."]
    asks = [r for r in fake_server.requests if r.path.endswith(":generateContent")]
    assert len(asks) == 2 and all("fileData" in str(r.json["contents"]) for r in asks)
    assert _uploads(fake_server) == 1 and fake_server.files == {}


def test_usage_report_prices_batch_at_half_and_cached_at_the_cached_rate() -> None:
    report = UsageReport()
    usage = TokenUsage(input_tokens=1_000_000, output_tokens=1_000_000, cached_tokens=400_000)
    report.add(usage, model="models/m1")
    report.add(usage, model="m1", batch=True)
    report.add(TokenUsage(input_tokens=10), model="other")
    prices = PriceTable({"m1": ModelPrice(2.0, 10.0, 0.5)}, as_of="test", source="test")
    cost = report.cost(prices)
    interactive = 600_000 * 2.0 / 1e6 + 400_000 * 0.5 / 1e6 + 10.0
    assert cost.lines[("m1", "interactive")] == pytest.approx(interactive)
    assert cost.lines[("m1", "batch")] == pytest.approx(interactive / 2)
    assert cost.unpriced == ["other"] and not cost.placeholder
    assert cost.total == pytest.approx(interactive * 1.5)
    text = report.to_text(prices)
    assert "no price known for model other: pass prices=" in text and "leave it out" in text


def test_a_batch_column_price_wins_over_the_discount() -> None:
    report = UsageReport()
    report.add(TokenUsage(input_tokens=1_000_000, output_tokens=2_000_000), model="m", batch=True)
    price = ModelPrice(2.0, 10.0, 0.5, batch_input_per_million=0.8, batch_output_per_million=4.5)
    cost = report.cost(PriceTable({"m": price}, as_of="test", source="test"))
    assert cost.lines[("m", "batch")] == pytest.approx(0.8 + 2 * 4.5)


def test_no_price_is_shipped_so_no_cost_can_pass_for_a_real_one() -> None:
    assert dict(DEFAULT_PRICES.models) == {}
    report = UsageReport()
    report.add(TokenUsage(input_tokens=5, output_tokens=7, reasoning_tokens=3), model="m1")
    cost = report.cost()
    assert cost.lines == {} and cost.total == 0 and cost.unpriced == ["m1"]
    text = report.to_text()
    assert "$" not in text.replace("cost $", "")  # no dollar figure at all, not even $0
    assert text.splitlines()[-1].startswith("no price known for model m1: pass prices=")
    # Tokens are still counted and shown: prompt, output and thinking.
    assert text.splitlines()[1].split()[2:7] == ["1", "5", "0", "7", "3"]
    priced = DEFAULT_PRICES.with_model("m1", ModelPrice(1, 1, 1))
    assert report.cost(priced).lines[("m1", "interactive")] == pytest.approx(12 / 1e6)


def test_batch_results_carry_thinking_and_cached_tokens_into_the_report(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 2)
    usage = {"thoughtsTokenCount": 7, "cachedContentTokenCount": 300}
    fake_server.add_rule(text="a caption", usage=usage)
    job = submit_batch([caption_request(p) for p in paths], llm=fake_server.llm())
    results = job.wait(poll=1).results()
    for item in results:
        assert item.result is not None
        assert (item.result.usage.reasoning_tokens, item.result.usage.cached_tokens) == (7, 300)
        # LangChain counts thinking inside output_tokens; the report keeps both.
        assert item.result.usage.output_tokens > 7
    assert job.usage(results).reasoning_tokens == 14
    report = UsageReport()
    report.add_results(results, batch=True)
    (key,) = report.totals
    totals = report.totals[key]
    assert key[1] == "batch" and (totals.calls, totals.thinking_tokens) == (2, 14)
    assert totals.cached_tokens == 600
    row = report.to_text().splitlines()[1].split()
    assert row[1:3] == ["batch", "2"] and row[4] == "600" and row[6] == "14"
