"""Remote files through the File API: get, list, delete, each call retried on transient failures.

``GeminiFileManager`` inherits these from :class:`RemoteFileCalls`; they are separate from the
manager's lifecycle (upload or reuse, wait until ACTIVE, temporary files, orphan pruning) because
they are the plain calls on files that already exist, plus the retry plumbing that every File API
call, uploads included, goes through.
"""

from __future__ import annotations

import asyncio
import builtins
import functools
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import genai_client
from langchain_gemini_vision._core.retry import RetryPolicy
from langchain_gemini_vision._core.validate import check_bool, check_int
from langchain_gemini_vision.files._checks import MAX_PAGE_SIZE
from langchain_gemini_vision.files._errors import delete_answer
from langchain_gemini_vision.files._index import FileIndex
from langchain_gemini_vision.files._refs import FileRef, name_of
from langchain_gemini_vision.files._retrying import aretrying, retrying
from langchain_gemini_vision.types import GeminiFile

_ALL_FILES = "the project's files"
_T = TypeVar("_T")


def _page_config(page_size: int, token: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {"page_size": page_size}
    if token:
        config["page_token"] = token
    return config


class RemoteFileCalls:
    """Get, list and delete remote files (sync and async), with the manager's retry policy.

    Set up by ``GeminiFileManager.__init__``; the attributes below are the state these calls use.
    """

    llm: ChatGoogleGenerativeAI
    retry_policy: RetryPolicy
    owned_prefix: str
    _index: FileIndex
    _rng: random.Random
    _sleep: Callable[[float], None]
    _asleep: Callable[[float], Awaitable[None]]

    @property
    def client(self) -> Any:
        """The ``google.genai.Client`` of the model."""
        return genai_client(self.llm)

    def _is_owned(self, file: GeminiFile) -> bool:
        return (file.display_name or "").startswith(self.owned_prefix)

    # ---- every File API call goes through these (uploads too) ----------------------------------

    def _retrying(self, call: Callable[[int], _T], name: str, action: str) -> _T:
        return retrying(
            call, name, action, policy=self.retry_policy, rng=self._rng, sleep=self._sleep
        )

    async def _aretrying(self, call: Callable[[int], Awaitable[_T]], name: str, action: str) -> _T:
        return await aretrying(
            call, name, action, policy=self.retry_policy, rng=self._rng, asleep=self._asleep
        )

    def _list_page(self, config: dict[str, Any], _attempt: int) -> Any:
        return self.client.files.list(config=config)

    async def _alist_page(self, config: dict[str, Any], _attempt: int) -> Any:
        return await self.client.aio.files.list(config=config)

    # ---- sync calls --------------------------------------------------------------------------

    def get(self, file: FileRef) -> GeminiFile:
        """Fetch the current state of a file.

        Args:
            file: The file (``files/<id>``, its https URI, a ``GeminiFile`` or an SDK file).

        Returns:
            A fresh ``GeminiFile`` snapshot (state, size, hash, expiry, video duration).

        Raises:
            ConfigurationError: The API key was rejected.
            MediaAccessError: The file does not exist (``rule="not_found"``) or belongs to
                another project (``rule="permission"``).
        """
        name = name_of(file)
        sdk_file = self._retrying(lambda _: self.client.files.get(name=name), name, "read")
        return GeminiFile.from_sdk(sdk_file)

    def list(self, *, page_size: int = 100) -> Iterator[GeminiFile]:
        """Iterate over the project's files, fetching pages lazily as you go.

        Args:
            page_size: Files asked for per page (the API caps it at 100).

        Yields:
            One ``GeminiFile`` per remote file, including files other tools uploaded.

        Raises:
            ConfigurationError: The API key was rejected.
            GeminiVisionError: The API refused the listing (rate limit, server error), or the
                network failed, more often than the retry policy allows.
        """
        check_int(page_size, "page_size", low=1, high=MAX_PAGE_SIZE)
        token: str | None = None
        while True:
            # Pages are fetched one by one, so a failed page is retried on its own.
            config = _page_config(page_size, token)
            pager = self._retrying(functools.partial(self._list_page, config), _ALL_FILES, "list")
            for item in pager.page:
                yield GeminiFile.from_sdk(item)
            token = pager.config.get("page_token")
            if not token:
                return

    def delete(self, file: FileRef, *, missing_ok: bool = True) -> bool:
        """Delete a file; True if it was deleted, False if it was already gone.

        Args:
            file: The file (name, URI, ``GeminiFile`` or SDK file).
            missing_ok: Treat a file that is gone (404, or the 403 the live API answers for
                unknown and expired files) as success, returning False.

        Returns:
            True when this call deleted the file, False when it was already gone. A "gone"
            answer to a retried attempt counts as deleted (whatever the ``missing_ok``): the
            attempt that seemed to fail may have deleted the file.

        Raises:
            ConfigurationError: The API key was rejected.
            MediaAccessError: The file is not accessible and ``missing_ok`` is False.
        """
        check_bool(missing_ok, "missing_ok")
        name = name_of(file)
        self._index.forget(name=name)

        def attempt_delete(attempt: int) -> bool:
            try:
                self.client.files.delete(name=name)
            except Exception as exc:
                return delete_answer(exc, attempt, missing_ok)
            return True

        return self._retrying(attempt_delete, name, "delete")

    def delete_owned(self) -> builtins.list[str]:
        """Delete every file whose display name carries this library's prefix.

        Files uploaded by other tools (without the prefix) are never touched.

        Returns:
            The names of the files deleted by this call.
        """
        owned = [f.name for f in self.list() if self._is_owned(f)]
        return [name for name in owned if self.delete(name)]

    # ---- async calls -------------------------------------------------------------------------

    async def aget(self, file: FileRef) -> GeminiFile:
        """Async twin of :meth:`get`."""
        name = name_of(file)
        sdk_file = await self._aretrying(
            lambda _: self.client.aio.files.get(name=name), name, "read"
        )
        return GeminiFile.from_sdk(sdk_file)

    async def alist(self, *, page_size: int = 100) -> AsyncIterator[GeminiFile]:
        """Async twin of :meth:`list`."""
        check_int(page_size, "page_size", low=1, high=MAX_PAGE_SIZE)
        token: str | None = None
        while True:
            config = _page_config(page_size, token)
            pager = await self._aretrying(
                functools.partial(self._alist_page, config), _ALL_FILES, "list"
            )
            for item in pager.page:
                yield GeminiFile.from_sdk(item)
            token = pager.config.get("page_token")
            if not token:
                return

    async def adelete(self, file: FileRef, *, missing_ok: bool = True) -> bool:
        """Async twin of :meth:`delete`."""
        check_bool(missing_ok, "missing_ok")
        name = name_of(file)
        await asyncio.to_thread(self._index.forget, name=name)

        async def attempt_delete(attempt: int) -> bool:
            try:
                await self.client.aio.files.delete(name=name)
            except Exception as exc:
                return delete_answer(exc, attempt, missing_ok)
            return True

        return await self._aretrying(attempt_delete, name, "delete")

    async def adelete_owned(self) -> builtins.list[str]:
        """Async twin of :meth:`delete_owned`."""
        owned = [f.name async for f in self.alist() if self._is_owned(f)]
        return [name for name in owned if await self.adelete(name)]
