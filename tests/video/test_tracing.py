"""Traces nest: every window's model run is a child of the transcription's run, itself a child of
the run that asked for the transcript.

Sync windows run on worker threads; the transcription opens one ``transcribe_video`` chain run
under the caller's (found in LangChain's context when no ``config=`` is given) and hands each
window a child config, so no window starts a new, parentless trace in LangSmith.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableLambda
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import atranscribe_video, transcribe_video
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4


class Runs(BaseCallbackHandler):
    """Records each chain run (id -> parent) and every chat model call's parent."""

    def __init__(self) -> None:
        self.chains: dict[UUID, UUID | None] = {}
        self.model_parents: list[UUID | None] = []

    def on_chain_start(
        self, serialized: Any, inputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.chains[run_id] = parent_run_id

    def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.model_parents.append(parent_run_id)


VIDEO = make_mp4(100.0)
WINDOW_S = 30.0  # four windows


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_every_window_run_is_a_child_of_the_transcription_run_under_the_callers(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, mode: str
) -> None:
    runs = Runs()

    def transcribe(video: bytes) -> int:
        return len(transcribe_video(video, llm=llm, window_s=WINDOW_S).segments)

    async def atranscribe(video: bytes) -> int:
        return len((await atranscribe_video(video, llm=llm, window_s=WINDOW_S)).segments)

    chain = RunnableLambda(transcribe, afunc=atranscribe, name="transcribe")
    config: Any = {"callbacks": [runs], "max_concurrency": 4}
    if mode == "sync":
        chain.invoke(VIDEO, config=config)
    else:
        await chain.ainvoke(VIDEO, config=config)
    [outer] = [run for run, parent in runs.chains.items() if parent is None]
    [inner] = [run for run, parent in runs.chains.items() if parent == outer]
    windows = len(server.generate_requests())
    assert windows >= 3 and len(runs.model_parents) == windows
    assert set(runs.model_parents) == {inner}
