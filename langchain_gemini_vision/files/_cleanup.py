"""Deleting temporary uploads once their last lease is released, and pruning failed deletions.

See ``files._leases`` for the model. :func:`release` / :func:`arelease` end one call's use of an
upload; when that was the last lease on a file some holder wanted gone, they delete it (the
manager's ``delete`` retries per its ``RetryPolicy``) and, if the DELETE still fails, record it
for :func:`prune` / :func:`aprune`. They never raise: they run in ``finally`` blocks, where an
error would mask the one that got us there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from langchain_gemini_vision.files._leases import (
    LEASES,
    PENDING_DIR,
    PendingDeletion,
    PendingDeletions,
    lease_key,
)
from langchain_gemini_vision.files._refs import FileRef, name_of

if TYPE_CHECKING:
    from langchain_gemini_vision.files.manager import GeminiFileManager

logger = logging.getLogger("langchain_gemini_vision.files")


async def shielded_delete(manager: GeminiFileManager, file: FileRef) -> None:
    """Delete even while the surrounding task is being cancelled."""
    task = asyncio.ensure_future(manager.adelete(file, missing_ok=True))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(BaseException):
            await task
        raise


def pending(manager: GeminiFileManager) -> PendingDeletions:
    """The pending-deletion records kept next to the manager's reuse index."""
    return PendingDeletions(manager._index.path.parent / PENDING_DIR)


def _record(manager: GeminiFileManager, name: str, exc: BaseException) -> None:
    reason = f"{type(exc).__name__}: {exc}"
    if pending(manager).record(manager._endpoint, name, reason, manager.now()):
        logger.warning(
            "Could not delete temporary upload %s (%s); recorded it for "
            "GeminiFileManager.prune_orphans() / `gemini-vision files prune`.",
            name,
            reason,
        )


def release(manager: GeminiFileManager, file: FileRef, *, delete: bool, keep: bool = False) -> None:
    """End this call's lease on ``file``; delete it when it was the last one and it is due."""
    name = name_of(file)
    key = lease_key(manager._endpoint, name)
    if not LEASES.release(key, delete=delete, keep=keep):
        return
    try:
        manager.delete(name, missing_ok=True)
    except Exception as exc:  # after the retry policy: record it, never raise from a finally
        _record(manager, name, exc)
    finally:
        LEASES.deleted(key)


async def arelease(
    manager: GeminiFileManager, file: FileRef, *, delete: bool, keep: bool = False
) -> None:
    """Async twin of :func:`release` (the DELETE survives the task's cancellation)."""
    name = name_of(file)
    key = lease_key(manager._endpoint, name)
    if not LEASES.release(key, delete=delete, keep=keep):
        return
    try:
        await shielded_delete(manager, name)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        await asyncio.to_thread(_record, manager, name, exc)
    finally:
        LEASES.deleted(key)


def _due(manager: GeminiFileManager) -> list[PendingDeletion]:
    """Recorded uploads of this endpoint that no call of this process is using."""
    entries = pending(manager).entries(manager._endpoint)
    return [e for e in entries if not LEASES.holders(lease_key(e.endpoint, e.name))]


def prune(manager: GeminiFileManager) -> list[str]:
    """Delete every recorded upload (gone already counts); keep the records that still fail."""
    removed: list[str] = []
    for entry in _due(manager):
        try:
            manager.delete(entry.name, missing_ok=True)
        except Exception as exc:
            logger.warning("Still cannot delete %s: %s (kept for the next prune)", entry.name, exc)
            continue
        pending(manager).drop(entry)
        removed.append(entry.name)
    return removed


async def aprune(manager: GeminiFileManager) -> list[str]:
    """Async twin of :func:`prune`."""
    removed: list[str] = []
    for entry in await asyncio.to_thread(_due, manager):
        try:
            await manager.adelete(entry.name, missing_ok=True)
        except Exception as exc:
            logger.warning("Still cannot delete %s: %s (kept for the next prune)", entry.name, exc)
            continue
        await asyncio.to_thread(pending(manager).drop, entry)
        removed.append(entry.name)
    return removed
