"""``config=`` reaches every model run: callbacks, tags and metadata, with runs nested correctly.

A function making one model call hands the caller's ``RunnableConfig`` to it; one making several
(transcription windows, ``caption_images``) opens a chain run named after itself and every model
run is its child; a tool's model runs are children of the tool run; loaders pass theirs on.
Everything runs against the emulator (real SDK, real HTTP), sync and async.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableConfig
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import (
    GeminiImageCaptionTool,
    GeminiVideoTranscriptionTool,
    VideoSession,
    aanalyze_video,
    acaption_image,
    acaption_images,
    adetect_objects,
    adetect_objects_many,
    analyze_video,
    asummarize_youtube,
    atranscribe_video,
    caption_image,
    caption_images,
    detect_objects,
    detect_objects_many,
    summarize_youtube,
    transcribe_video,
)
from langchain_gemini_vision._core.generation import generation_retries
from langchain_gemini_vision._core.retry import RetryPolicy
from langchain_gemini_vision.document_loaders import (
    GeminiFileLoader,
    GeminiVideoTranscriptLoader,
    GeminiYouTubeLoader,
)
from langchain_gemini_vision.errors import ConfigurationError, InvalidRequestError
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png

PNG = make_png(64, 48)
VIDEO = make_mp4(100.0)
WINDOW_S = 30.0  # four windows
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
META = {"request": "r-42"}


@dataclass
class Run:
    kind: str
    run_id: UUID
    parent: UUID | None
    name: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


class Recorder(BaseCallbackHandler):
    """Every chain, tool and chat model run that starts, with its parent, tags and metadata."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.errors: list[UUID] = []

    def _add(self, kind: str, kwargs: dict[str, Any], name: str | None = None) -> None:
        self.runs.append(
            Run(
                kind,
                kwargs["run_id"],
                kwargs.get("parent_run_id"),
                name or kwargs.get("name"),
                list(kwargs.get("tags") or []),
                dict(kwargs.get("metadata") or {}),
            )
        )

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        self._add("chain", kwargs)

    def on_chain_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(kwargs["run_id"])

    def on_tool_start(self, serialized: Any, input_str: str, **kwargs: Any) -> None:
        self._add("tool", kwargs, name=(serialized or {}).get("name"))

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self._add("model", kwargs)

    def of(self, kind: str) -> list[Run]:
        return [r for r in self.runs if r.kind == kind]


def _config(recorder: Recorder, **extra: Any) -> RunnableConfig:
    config = {"callbacks": [recorder], "tags": ["cfg-test"], "metadata": dict(META), **extra}
    return cast("RunnableConfig", config)


def _tagged(run: Run) -> bool:
    return "cfg-test" in run.tags and run.metadata.get("request") == "r-42"


async def _call(mode: str, sync: Callable[[], Any], async_: Callable[[], Awaitable[Any]]) -> Any:
    return sync() if mode == "sync" else await async_()


ONE_CALL: dict[str, tuple[Callable[..., Any], Callable[..., Awaitable[Any]]]] = {
    "caption_image": (
        lambda llm, c: caption_image(PNG, llm=llm, config=c),
        lambda llm, c: acaption_image(PNG, llm=llm, config=c),
    ),
    "detect_objects": (
        lambda llm, c: detect_objects(PNG, "the square", llm=llm, config=c),
        lambda llm, c: adetect_objects(PNG, "the square", llm=llm, config=c),
    ),
    "analyze_video": (
        lambda llm, c: analyze_video(VIDEO, "What happens?", llm=llm, config=c),
        lambda llm, c: aanalyze_video(VIDEO, "What happens?", llm=llm, config=c),
    ),
    "summarize_youtube": (
        lambda llm, c: summarize_youtube(YOUTUBE, llm=llm, config=c),
        lambda llm, c: asummarize_youtube(YOUTUBE, llm=llm, config=c),
    ),
}


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("function", sorted(ONE_CALL))
async def test_one_call_functions_hand_the_config_to_the_model_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, function: str, mode: str
) -> None:
    recorder = Recorder()
    sync, async_ = ONE_CALL[function]
    config = _config(recorder)
    await _call(mode, lambda: sync(llm, config), lambda: async_(llm, config))
    [model] = recorder.of("model")
    assert _tagged(model)
    assert model.parent is None  # nothing in between: the caller's config is the model's
    assert recorder.of("chain") == []
    assert config == _config(recorder)  # the caller's dict is not changed


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_every_window_run_is_a_child_of_one_transcription_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, mode: str
) -> None:
    recorder = Recorder()
    config = _config(recorder)
    await _call(
        mode,
        lambda: transcribe_video(VIDEO, llm=llm, window_s=WINDOW_S, config=config),
        lambda: atranscribe_video(VIDEO, llm=llm, window_s=WINDOW_S, config=config),
    )
    [chain] = recorder.of("chain")
    assert chain.name == "transcribe_video" and chain.parent is None and _tagged(chain)
    models = recorder.of("model")
    assert len(models) == len(server.generate_requests()) >= 3
    assert {m.parent for m in models} == {chain.run_id}
    assert all(_tagged(m) for m in models)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_run_name_and_run_id_name_the_transcription_run_not_its_windows(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, mode: str
) -> None:
    recorder = Recorder()
    run_id = uuid.uuid4()
    config = _config(recorder, run_name="lecture", run_id=run_id)
    await _call(
        mode,
        lambda: transcribe_video(VIDEO, llm=llm, window_s=WINDOW_S, config=config),
        lambda: atranscribe_video(VIDEO, llm=llm, window_s=WINDOW_S, config=config),
    )
    [chain] = recorder.of("chain")
    assert (chain.name, chain.run_id) == ("lecture", run_id)
    models = recorder.of("model")
    assert {m.parent for m in models} == {run_id}
    assert run_id not in {m.run_id for m in models} and "lecture" not in {m.name for m in models}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_failed_transcription_is_recorded_on_its_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, mode: str
) -> None:
    recorder = Recorder()
    server.add_rule(has_media="video/", text="")  # no segments at all: ResponseParseError
    with pytest.raises(Exception) as raised:
        await _call(
            mode,
            lambda: transcribe_video(VIDEO, llm=llm, config=_config(recorder)),
            lambda: atranscribe_video(VIDEO, llm=llm, config=_config(recorder)),
        )
    assert type(raised.value).__name__ == "ResponseParseError"
    [chain] = recorder.of("chain")
    assert recorder.errors == [chain.run_id]


MANY: dict[str, tuple[Callable[..., Any], Callable[..., Awaitable[Any]]]] = {
    "caption_images": (
        lambda llm, c: caption_images([PNG] * 3, llm=llm, config=c),
        lambda llm, c: acaption_images([PNG] * 3, llm=llm, config=c),
    ),
    "detect_objects_many": (
        lambda llm, c: detect_objects_many([PNG] * 3, "the square", llm=llm, config=c),
        lambda llm, c: adetect_objects_many([PNG] * 3, "the square", llm=llm, config=c),
    ),
}


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("function", sorted(MANY))
async def test_each_images_run_is_a_child_of_the_many_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, function: str, mode: str
) -> None:
    recorder = Recorder()
    sync, async_ = MANY[function]
    config = _config(recorder)
    results = await _call(mode, lambda: sync(llm, config), lambda: async_(llm, config))
    assert all(r.ok for r in results)
    [chain] = recorder.of("chain")
    assert chain.name == function and _tagged(chain)
    models = recorder.of("model")
    assert len(models) == 3 and {m.parent for m in models} == {chain.run_id}
    assert all(_tagged(m) for m in models)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_tools_model_run_is_a_child_of_the_tool_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path, mode: str
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    tool = GeminiImageCaptionTool(llm=llm, allowed_dirs=[tmp_path])
    recorder = Recorder()
    args = {"images": [str(photo)]}
    config = _config(recorder)
    await _call(mode, lambda: tool.invoke(args, config), lambda: tool.ainvoke(args, config))
    [tool_run] = recorder.of("tool")
    [model] = recorder.of("model")
    assert model.parent == tool_run.run_id and _tagged(model)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_transcription_tools_windows_nest_under_the_tool_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path, mode: str
) -> None:
    (tmp_path / "clip.mp4").write_bytes(VIDEO)
    tool = GeminiVideoTranscriptionTool(llm=llm, allowed_dirs=[tmp_path])
    recorder = Recorder()
    args = {"video": str(tmp_path / "clip.mp4")}
    config = _config(recorder)
    await _call(mode, lambda: tool.invoke(args, config), lambda: tool.ainvoke(args, config))
    [tool_run] = recorder.of("tool")
    [chain] = recorder.of("chain")
    assert chain.parent == tool_run.run_id
    models = recorder.of("model")
    assert models and {m.parent for m in models} == {chain.run_id}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_video_session_questions_carry_the_config(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, mode: str
) -> None:
    recorder = Recorder()
    with VideoSession(VIDEO, llm=llm, cache=False) as session:
        await _call(
            mode,
            lambda: session.ask("What happens?", config=_config(recorder)),
            lambda: session.aask("What happens?", config=_config(recorder)),
        )
    [model] = recorder.of("model")
    assert _tagged(model)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_loaders_pass_their_config_to_every_model_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path, mode: str
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    recorder = Recorder()
    loaders = [
        GeminiFileLoader([str(photo)], llm=llm, cache_dir=tmp_path, config=_config(recorder)),
        GeminiVideoTranscriptLoader(VIDEO, llm=llm, config=_config(recorder)),
        GeminiYouTubeLoader(YOUTUBE, llm=llm, mode="both", config=_config(recorder)),
    ]
    for loader in loaders:
        await _call(mode, loader.load, loader.aload)
    models = recorder.of("model")
    # One description, one transcription window, one summary and one YouTube window.
    assert len(models) == len(server.generate_requests()) == 4
    assert all(_tagged(m) for m in models)
    assert [c.name for c in recorder.of("chain")] == ["transcribe_video"] * 2


def test_a_loaders_run_id_is_dropped_since_it_makes_many_runs(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    paths = [tmp_path / "a.png", tmp_path / "b.png"]
    for i, path in enumerate(paths):
        path.write_bytes(make_png(32 + i, 32))
    recorder = Recorder()
    run_id = uuid.uuid4()
    config = _config(recorder, run_id=run_id)
    GeminiFileLoader([str(p) for p in paths], llm=llm, cache_dir=tmp_path, config=config).load()
    GeminiVideoTranscriptLoader([VIDEO, VIDEO], llm=llm, config=config).load()
    ids = [r.run_id for r in recorder.runs]
    assert len(ids) == len(set(ids)) == 6 and run_id not in ids


async def test_a_retried_call_is_one_run_per_attempt_and_run_id_names_the_first(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.inject_fault(503, times=1, path_contains=":generateContent")
    recorder = Recorder()
    run_id = uuid.uuid4()
    with generation_retries(RetryPolicy(attempts=2, first_delay_s=0.0), sleep=lambda _s: None):
        caption_image(PNG, llm=llm, config=_config(recorder, run_id=run_id))
    first, second = recorder.of("model")
    assert first.run_id == run_id and second.run_id != run_id
    assert _tagged(second)


@pytest.mark.parametrize(
    "call",
    [
        lambda llm: caption_image(PNG, llm=llm, config=["callbacks"]),  # type: ignore[arg-type]
        lambda llm: detect_objects(PNG, "x", llm=llm, config="tags"),  # type: ignore[arg-type]
        lambda llm: transcribe_video(VIDEO, llm=llm, config=42),  # type: ignore[arg-type]
        lambda llm: caption_images([PNG], llm=llm, config=("a",)),  # type: ignore[arg-type]
        lambda llm: summarize_youtube(YOUTUBE, llm=llm, config=object()),  # type: ignore[arg-type]
    ],
)
def test_a_config_that_is_not_a_dict_is_refused_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, call: Callable[[Any], Any]
) -> None:
    with pytest.raises(InvalidRequestError, match="config"):
        call(llm)
    assert server.requests == []


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"tags": "one-tag"}, "tags"),
        ({"tags": ["ok", 3]}, "tags"),
        ({"callbacks": ["not a handler"]}, "callbacks"),
        ({"callbacks": print}, "callbacks"),
        ({"metadata": ["k", "v"]}, "metadata"),
        ({"run_name": 7}, "run_name"),
        ({"run_id": "not-a-uuid"}, "run_id"),
        ({"max_concurrency": 0}, "max_concurrency"),
    ],
)
def test_a_config_key_of_the_wrong_type_is_named_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, config: Any, key: str
) -> None:
    with pytest.raises(InvalidRequestError, match=rf"config\['{key}'\] must be"):
        transcribe_video(VIDEO, llm=llm, config=config)
    assert server.requests == []


def test_unknown_config_keys_are_langchains_configurable_and_accepted(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    recorder = Recorder()
    caption_image(PNG, llm=llm, config=_config(recorder, thread_id="t-1"))
    [model] = recorder.of("model")
    assert _tagged(model)


def test_a_loader_with_a_bad_config_fails_when_built(llm: ChatGoogleGenerativeAI) -> None:
    with pytest.raises(ConfigurationError, match="config"):
        GeminiVideoTranscriptLoader(VIDEO, llm=llm, config=[1])  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="config"):
        GeminiFileLoader("a.png", llm=llm, config="x")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="config"):
        GeminiYouTubeLoader(YOUTUBE, llm=llm, config=1)  # type: ignore[arg-type]
