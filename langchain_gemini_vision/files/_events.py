"""Progress of File API uploads and waits, told to callbacks and to LangChain tracing.

Inside a traced run, uploads send the custom event ``gemini_file_upload`` after each chunk and
waits send ``gemini_file_poll`` after each poll that did not find the file ACTIVE yet;
outside one, nothing is sent.
"""

from __future__ import annotations

import contextlib
from typing import Any

from langchain_gemini_vision.files._source import ProgressCallback


def emit(event: str, data: dict[str, Any]) -> None:
    """Send a LangChain custom event when we run inside a traced run (else do nothing)."""
    from langchain_core.callbacks.manager import dispatch_custom_event
    from langchain_core.runnables.config import var_child_runnable_config

    if var_child_runnable_config.get() is None:
        return
    with contextlib.suppress(RuntimeError):  # no parent run: nobody to tell
        dispatch_custom_event(event, data)


async def aemit(event: str, data: dict[str, Any]) -> None:
    """Async twin of :func:`emit`."""
    from langchain_core.callbacks.manager import adispatch_custom_event
    from langchain_core.runnables.config import var_child_runnable_config

    if var_child_runnable_config.get() is None:
        return
    with contextlib.suppress(RuntimeError):
        await adispatch_custom_event(event, data)


def upload_reporter(on_progress: ProgressCallback | None, label: str) -> ProgressCallback:
    """A ``(bytes_sent, total)`` callback that calls ``on_progress`` and sends the event."""

    def report(sent: int, total: int) -> None:
        if on_progress is not None:
            on_progress(sent, total)
        emit("gemini_file_upload", {"source": label, "bytes_sent": sent, "total": total})

    return report
