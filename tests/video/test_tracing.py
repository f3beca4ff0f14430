"""Traces nest: every window's model run is a child of the run that asked for the transcript.

Sync windows run on worker threads; without the caller's context copied into them (LangChain's
``ContextThreadPoolExecutor``) their runs would start new, parentless traces in LangSmith.
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
    """Records each run's parent: the outer chain's, and every chat model call's."""

    def __init__(self) -> None:
        self.chains: list[UUID] = []
        self.model_parents: list[UUID | None] = []

    def on_chain_start(
        self, serialized: Any, inputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        if parent_run_id is None:
            self.chains.append(run_id)

    def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.model_parents.append(parent_run_id)


VIDEO = make_mp4(100.0)
WINDOW_S = 30.0  # four windows


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_every_window_run_is_a_child_of_the_callers_run(
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
    assert len(runs.chains) == 1
    windows = len(server.generate_requests())
    assert windows >= 3 and len(runs.model_parents) == windows
    assert set(runs.model_parents) == {runs.chains[0]}
