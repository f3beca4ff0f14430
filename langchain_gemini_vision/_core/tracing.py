"""``RunnableConfig`` plumbing: the caller's callbacks, tags and metadata reach every model run.

Every public function that calls the model takes ``config=`` (a LangChain ``RunnableConfig``).
A function that makes one model call hands it to that call, so the chat model's run carries the
caller's tags, metadata and ``run_name``. A function that makes several (transcription windows,
``caption_images``) opens one chain run named after itself with :func:`chain_run` and gives each
call a child config, so a trace shows the function with its model runs under it, whichever
thread or task sent them. Without ``config`` the config in LangChain's context (an enclosing
runnable or tool) is used, as LangChain itself does.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler, BaseCallbackManager
from langchain_core.runnables.config import (
    RunnableConfig,
    ensure_config,
    get_async_callback_manager_for_config,
    get_callback_manager_for_config,
    patch_config,
)

from langchain_gemini_vision._core.validate import check_instance, refuse

__all__ = [
    "ChainRun",
    "RunnableConfig",
    "achain_run",
    "chain_run",
    "check_config",
    "media_label",
    "without_run_id",
]


def _is_callbacks(value: object) -> bool:
    if isinstance(value, BaseCallbackManager):
        return True
    return isinstance(value, list) and all(isinstance(h, BaseCallbackHandler) for h in value)


# The keys LangChain reads itself, and what each must hold (others go to ``configurable``).
_KEY_RULES: dict[str, tuple[Callable[[object], bool], str]] = {
    "callbacks": (_is_callbacks, "a list of callback handlers or a callback manager"),
    "tags": (lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v), "a list of str"),
    "metadata": (lambda v: isinstance(v, dict), "a dict"),
    "configurable": (lambda v: isinstance(v, dict), "a dict"),
    "run_name": (lambda v: isinstance(v, str), "a str"),
    "run_id": (lambda v: isinstance(v, UUID), "a uuid.UUID"),
    "max_concurrency": (lambda v: type(v) is int and v >= 1, "an int of at least 1"),
    "recursion_limit": (lambda v: type(v) is int and v >= 1, "an int of at least 1"),
}


def check_config(config: object) -> None:
    """Refuse a ``config`` that is not a ``RunnableConfig`` before any I/O.

    Raises:
        InvalidRequestError: ``config`` is neither None nor a dict, or a key LangChain reads
            holds the wrong type (``tags`` not a list of str, a callback that is no handler...).
    """
    what = "a RunnableConfig (a dict such as {'callbacks': [...]})"
    checked: dict[str, Any] = check_instance(config, "config", dict, what) or {}
    for key, value in checked.items():
        rule = _KEY_RULES.get(key)
        if rule is not None and value is not None and not rule[0](value):
            refuse(f"config[{key!r}]", value, rule[1])


def without_run_id(config: RunnableConfig | None) -> RunnableConfig | None:
    """The config for a further run: a caller's ``run_id`` names one run only (the first)."""
    if config is None or "run_id" not in config:
        return config
    return {k: v for k, v in config.items() if k != "run_id"}  # type: ignore[return-value]


def media_label(media: object) -> str:
    """A short, loggable name for a media argument (a path or URL as is, bytes by size)."""
    if isinstance(media, str):
        return media if len(media) <= 300 else f"{media[:60]}... ({len(media)} characters)"
    if isinstance(media, os.PathLike):
        return os.fspath(media)  # type: ignore[no-any-return]
    if isinstance(media, (bytes, bytearray, memoryview)):
        return f"<{len(media)} bytes>"
    source = getattr(media, "source", None) or getattr(media, "name", None)
    return source if isinstance(source, str) else f"<{type(media).__name__}>"


@dataclass
class ChainRun:
    """An open chain run: ``config`` is for the calls made inside it, ``output`` its result."""

    config: RunnableConfig
    output: Any = field(default=None)


def _start(config: RunnableConfig | None) -> tuple[RunnableConfig, Any]:
    """The full config, and the caller's ``run_id`` (it names this run, not its children)."""
    full = ensure_config(config)
    return full, full.pop("run_id", None)


@contextlib.contextmanager
def chain_run(
    config: RunnableConfig | None, name: str, inputs: dict[str, Any]
) -> Iterator[ChainRun]:
    """Open a chain run named ``name`` (or the config's ``run_name``) for a multi-call function.

    Args:
        config: The caller's config (merged with the one in LangChain's context).
        name: The run's name, normally the public function's.
        inputs: What the trace shows as inputs: short labels, never media bytes.

    Yields:
        The run; set ``output`` before the block ends so the trace shows the result. An error
        leaving the block is recorded on the run and propagates.
    """
    full, run_id = _start(config)
    manager = get_callback_manager_for_config(full)
    run = manager.on_chain_start(None, inputs, run_id=run_id, name=full.get("run_name") or name)
    opened = ChainRun(patch_config(full, callbacks=run.get_child()))
    try:
        yield opened
    except BaseException as exc:
        run.on_chain_error(exc)
        raise
    run.on_chain_end(opened.output)


@contextlib.asynccontextmanager
async def achain_run(
    config: RunnableConfig | None, name: str, inputs: dict[str, Any]
) -> AsyncIterator[ChainRun]:
    """Async twin of :func:`chain_run` (async callback handlers are awaited)."""
    full, run_id = _start(config)
    manager = get_async_callback_manager_for_config(full)
    run = await manager.on_chain_start(
        None, inputs, run_id=run_id, name=full.get("run_name") or name
    )
    opened = ChainRun(patch_config(full, callbacks=run.get_child()))
    try:
        yield opened
    except BaseException as exc:
        await run.on_chain_error(exc)
        raise
    await run.on_chain_end(opened.output)
