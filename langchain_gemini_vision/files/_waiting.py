"""Waiting until a File API file is ACTIVE: a sync and an async poll loop sharing every step.

``GeminiFileManager.wait_until_active`` / ``await_until_active`` hand their loop a ``get`` call,
a sleep and a clock. The two loops differ only in awaiting those; what a poll's answer (or
failure) means is decided once, by the steps below, on a :class:`~._polling.PollLoop`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from langchain_gemini_vision._core.poll_schedule import OBSERVED_RATES
from langchain_gemini_vision._core.polling import (
    PollCallback,
    PollLoop,
    PollPolicy,
    error_status,
    is_transient,
)
from langchain_gemini_vision.files._errors import api_error
from langchain_gemini_vision.files._events import aemit, emit
from langchain_gemini_vision.files._refs import FileRef, name_of
from langchain_gemini_vision.files._shared_listing import (
    LOOK_S,
    AListPage,
    Listing,
    ListPage,
    Reader,
)
from langchain_gemini_vision.types import GeminiFile

Clock = Callable[[], float]


def poll_until_active(
    get: Callable[[str], Any],
    file: FileRef,
    timeout: float | None,
    on_progress: PollCallback | None,
    *,
    policy: PollPolicy,
    clock: Clock,
    sleep: Callable[[float], None],
    shared: tuple[Listing, ListPage] | None = None,
) -> GeminiFile:
    """Poll ``get(name)`` (the SDK's ``files.get``) until the file is ACTIVE.

    With ``shared`` (the client's listing and its ``files.list`` call), a wait among others on
    the same client reads their shared listing instead (``files._shared_listing``).
    """
    name, snapshot, loop = _start(file, timeout, policy, clock)
    reader = Reader(*shared) if shared is not None else None
    with _registered(reader, name):
        while True:
            from_listing = False
            if snapshot is None and reader is not None and reader.sharing(clock()):
                from_listing, snapshot = reader.look(loop, name, clock())
            if snapshot is None and not from_listing:
                try:
                    snapshot = GeminiFile.from_sdk(get(name))
                except Exception as exc:
                    _handle_poll_error(loop, exc, clock)
            if snapshot is not None:
                event = _handle_snapshot(loop, snapshot, timeout, on_progress, policy, clock)
                if event is None:
                    return snapshot
                emit("gemini_file_poll", event)
            snapshot = None
            sleep(_next_sleep(loop, reader if from_listing else None, clock()))


async def apoll_until_active(
    get: Callable[[str], Awaitable[Any]],
    file: FileRef,
    timeout: float | None,
    on_progress: PollCallback | None,
    *,
    policy: PollPolicy,
    clock: Clock,
    asleep: Callable[[float], Awaitable[None]],
    shared: tuple[Listing, AListPage] | None = None,
) -> GeminiFile:
    """Async twin of :func:`poll_until_active`."""
    name, snapshot, loop = _start(file, timeout, policy, clock)
    reader = Reader(*shared) if shared is not None else None
    with _registered(reader, name):
        while True:
            from_listing = False
            if snapshot is None and reader is not None and reader.sharing(clock()):
                from_listing, snapshot = await reader.alook(loop, name, clock())
            if snapshot is None and not from_listing:
                try:
                    snapshot = GeminiFile.from_sdk(await get(name))
                except Exception as exc:
                    _handle_poll_error(loop, exc, clock)
            if snapshot is not None:
                event = _handle_snapshot(loop, snapshot, timeout, on_progress, policy, clock)
                if event is None:
                    return snapshot
                await aemit("gemini_file_poll", event)
            snapshot = None
            await asleep(_next_sleep(loop, reader if from_listing else None, clock()))


def _registered(reader: Reader | None, name: str) -> contextlib.AbstractContextManager[None]:
    return reader.listing.waiting(name) if reader is not None else contextlib.nullcontext()


def _next_sleep(loop: PollLoop, reader: Reader | None, now: float) -> float:
    """The wait's own grid, or the next read of the shared listing (both within the deadline)."""
    if reader is None:
        return loop.next_delay(now)
    return loop.look_delay(now, LOOK_S)


def _start(
    file: FileRef, timeout: float | None, policy: PollPolicy, clock: Clock
) -> tuple[str, GeminiFile | None, PollLoop]:
    """The name, the snapshot to look at first (None: poll first), and a fresh loop."""
    name = name_of(file)
    snapshot = file if isinstance(file, GeminiFile) else None
    size = snapshot.size_bytes if snapshot is not None else None
    deadline = policy.deadline_for(size, timeout)
    started = clock()
    predicted = OBSERVED_RATES.predict_s(size)
    loop = PollLoop(
        name,
        policy,
        started,
        deadline,
        predicted_s=predicted,
        # Without a snapshot the first poll is immediate; with a prediction, it decides.
        early_look=snapshot is not None
        and predicted is None
        and OBSERVED_RATES.look_early(size, started),
        from_snapshot=snapshot is not None,
    )
    return name, snapshot, loop


def _handle_poll_error(loop: PollLoop, exc: Exception, clock: Clock) -> None:
    """Record a failed ``files.get``, or raise what retrying cannot fix (mapped)."""
    if is_transient(exc):
        loop.on_error(exc, clock())
        return
    if error_status(exc) is None:
        raise exc
    raise api_error(exc, loop.file_name, "read", waiting=loop.polls > 0) from exc


def _handle_snapshot(
    loop: PollLoop,
    snapshot: GeminiFile,
    timeout: float | None,
    on_progress: PollCallback | None,
    policy: PollPolicy,
    clock: Clock,
) -> dict[str, Any] | None:
    """Record a snapshot: None once ACTIVE, else the progress event to send.

    Raises:
        FileProcessingError: The file is FAILED.
    """
    if loop.polls == 0 and snapshot.size_bytes:
        # The size is often only known after the first GET: scale the default deadline and
        # predict the ready time then.
        if timeout is None:
            loop.deadline_s = policy.deadline_for(snapshot.size_bytes, None)
        if loop.predicted_s is None:
            loop.predicted_s = OBSERVED_RATES.predict_s(snapshot.size_bytes)
    active = loop.on_snapshot(snapshot, clock())
    if loop.from_snapshot and loop.polls == 2:  # the first look after the upload's answer
        OBSERVED_RATES.note_first_look(snapshot.size_bytes, active)
    if active:
        if loop.polls > 1:  # waited: teach the prediction how long this size took
            OBSERVED_RATES.record(snapshot.size_bytes, loop.elapsed(clock()))
        return None
    elapsed = loop.elapsed(clock())
    if on_progress is not None:
        on_progress(snapshot, elapsed)
    return {"name": snapshot.name, "state": snapshot.state, "elapsed_s": round(elapsed, 3)}
