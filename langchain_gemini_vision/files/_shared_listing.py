"""Many waits, few requests: one ``files.list`` page answers every file waited for on a client.

A wait polling its own file costs one ``files.get`` per second per file, and no schedule at that
rate can notice a file that turns ACTIVE at an unpredictable moment sooner than 0.5 s (median)
later (``_core.poll_schedule``). When several files are waited for at once on the same client (a
loader ingesting a folder of videos, a batch of uploads), one ``files.list`` page (up to 100
files, newest first, so recent uploads come first) answers all of them. So:

* each wait registers its file on the client's listing while it waits, and reads the latest
  listing every ``LOOK_S`` (a read costs no request);
* each wait keeps its own poll schedule, but when a poll falls due it credits the listing with
  it instead of calling ``files.get``; a listing is fetched (by whichever wait finds it stale)
  only when credit is there, at most once per ``LOOK_S``, and each page spends one credit. So the
  listing never makes more requests than the waits' own schedules would have (and far fewer when
  many files wait), while every wait sees every listing: with files due at 1 s, 4 or more
  waiting files get a listing every 0.25 s;
* credit saved for later is capped at ``MAX_SAVED_POLLS``, so polls that fall due together (waits
  started together) spread over the next second instead of bursting;
* a file the listing does not show (beyond ``MAX_PAGES`` pages of newer files) and any failure of
  the listing leave that wait on its own ``files.get`` schedule: the listing only ever saves
  requests, it never decides an outcome the wait's own poll would not.

A wait reacts only to a listing newer than the one it last read, so progress callbacks fire at
most once per listing, not once per read.
"""

from __future__ import annotations

import contextlib
import math
import threading
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from langchain_gemini_vision._core.polling import PollLoop
from langchain_gemini_vision.types import GeminiFile

LOOK_S = 0.25
"""How often a wait reads the shared listing, and the shortest interval between two listings."""
MAX_SAVED_POLLS = 4.0
"""Credit (polls fallen due) a listing may keep for later: about a second of listings."""
PAGE_SIZE = 100
"""The largest page ``files.list`` serves."""
MAX_PAGES = 3
"""Pages read per listing at most: files further back fall back to their own ``files.get``."""
PAUSE_AFTER_FAILURE_S = 5.0
"""How long a failed listing leaves every wait on its own ``files.get`` schedule."""

ListPage = Callable[[dict[str, Any]], Any]
AListPage = Callable[[dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Seen:
    """A file as the latest listing showed it, and which listing that was (its generation)."""

    file: GeminiFile
    generation: int


class Listing:
    """The latest ``files.list`` answer for the files waited for on one client (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fetching = threading.Lock()
        self._waiting: Counter[str] = Counter()
        self._seen: dict[str, GeminiFile] = {}
        self._generation = 0
        self._started_at = -math.inf
        self._paused_until = -math.inf
        self._credit = 0.0

    @contextlib.contextmanager
    def waiting(self, name: str) -> Iterator[None]:
        """Register ``name`` as waited for, for as long as the block runs."""
        with self._lock:
            self._waiting[name] += 1
        try:
            yield
        finally:
            with self._lock:
                self._waiting[name] -= 1
                if self._waiting[name] <= 0:
                    del self._waiting[name]
                    self._seen.pop(name, None)

    def shared(self, now: float) -> bool:
        """Whether listing pays off now: two or more files waited for, and no recent failure."""
        with self._lock:
            return len(self._waiting) >= 2 and now >= self._paused_until

    def credit(self) -> None:
        """A wait's own poll fell due: the listing may spend it instead (up to a cap)."""
        with self._lock:
            self._credit = min(self._credit + 1.0, MAX_SAVED_POLLS)

    def read(self, name: str) -> Seen | None:
        """The file as the latest complete listing showed it; None when it was not listed."""
        with self._lock:
            seen = self._seen.get(name)
            return None if seen is None else Seen(seen, self._generation)

    def fetching(self) -> bool:
        """Whether a listing is being fetched right now (its answer is worth waiting for)."""
        return self._fetching.locked()

    def claim(self, now: float) -> set[str] | None:
        """The names to look for when this caller should fetch the listing now, else None."""
        with self._lock:
            if now - self._started_at < LOOK_S or now < self._paused_until or self._credit < 1:
                return None
            if not self._fetching.acquire(blocking=False):
                return None
            self._started_at = now
            self._credit -= 1.0
            return set(self._waiting)

    def publish(self, found: dict[str, GeminiFile], pages: int) -> None:
        """Store a complete listing (releases the claim)."""
        with self._lock:
            self._seen = {name: file for name, file in found.items() if name in self._waiting}
            self._credit -= max(pages - 1, 0)  # every page is a request (the claim paid one)
            self._generation += 1
        self._fetching.release()

    def fail(self, now: float) -> None:
        """Record a failed listing (releases the claim): waits poll on their own for a while."""
        with self._lock:
            self._paused_until = now + PAUSE_AFTER_FAILURE_S
            self._seen = {}
        self._fetching.release()


class Reader:
    """One wait's place on a shared listing: what it last read and when its own poll is due."""

    def __init__(self, listing: Listing, list_page: ListPage) -> None:
        self.listing = listing
        self._list_page = list_page  # the SDK's files.list, sync or async (``alook`` awaits it)
        self._generation = 0
        self._due_at: float | None = None
        self._listed = True  # until a listing shows otherwise

    def sharing(self, now: float) -> bool:
        """Whether this wait should read the shared listing now (see :meth:`Listing.shared`)."""
        return self.listing.shared(now)

    def look(self, loop: PollLoop, name: str, now: float) -> tuple[bool, GeminiFile | None]:
        """Hand over a due poll, fetch the listing if it is due, and read it (see :meth:`read`)."""
        self._credit_due_poll(loop, now)
        refresh(self.listing, self._list_page, now)
        return self.read(name)

    async def alook(self, loop: PollLoop, name: str, now: float) -> tuple[bool, GeminiFile | None]:
        """Async twin of :meth:`look`."""
        self._credit_due_poll(loop, now)
        await arefresh(self.listing, self._list_page, now)
        return self.read(name)

    def _credit_due_poll(self, loop: PollLoop, now: float) -> None:
        """Hand this wait's poll to the listing when its schedule has one due.

        Raises:
            FileProcessingTimeout: The deadline has passed (from the wait's schedule).
        """
        if self._listed and (self._due_at is None or now >= self._due_at):
            self.listing.credit()
            self._due_at = now + loop.next_delay(now)

    def read(self, name: str) -> tuple[bool, GeminiFile | None]:
        """(answered by the listing, the file when the listing is newer than the last one read).

        Not answered when the listing does not show the file and none is being fetched: the
        wait then polls the file itself.
        """
        seen = self.listing.read(name)
        if seen is None:
            self._listed = self.listing.fetching()
            return self._listed, None
        self._listed = True
        if seen.generation == self._generation:
            return True, None  # nothing new since the last read
        self._generation = seen.generation
        return True, seen.file


_LISTINGS: weakref.WeakKeyDictionary[Any, dict[Any, Listing]] = weakref.WeakKeyDictionary()
_LISTINGS_LOCK = threading.Lock()


def listing_for(client: Any, clock: Any) -> Listing:
    """The shared listing of ``client``'s files, per clock (a test's fake clock stays apart)."""
    with _LISTINGS_LOCK:
        per_clock = _LISTINGS.setdefault(client, {})
        return per_clock.setdefault(clock, Listing())


def _config(token: str | None) -> dict[str, Any]:
    return {"page_size": PAGE_SIZE, **({"page_token": token} if token else {})}


def _take(page: Any, wanted: set[str], found: dict[str, GeminiFile]) -> str | None:
    """Keep the wanted files of one page; the next page's token, or None when done."""
    for item in page.page:
        file = GeminiFile.from_sdk(item)
        if file.name in wanted:
            found[file.name] = file
    token = page.config.get("page_token") if isinstance(page.config, dict) else None
    return token if token and not wanted.issubset(found) else None


class _Walk:
    """The pages of one listing, without I/O: ``next_config`` to ask for, ``take`` each answer.

    The sync and async fetches differ only in how they call ``files.list``.
    """

    def __init__(self, listing: Listing, wanted: set[str]) -> None:
        self.listing = listing
        self.wanted = wanted
        self.found: dict[str, GeminiFile] = {}
        self.pages = 0
        self._token: str | None = None
        self.done = False

    def next_config(self) -> dict[str, Any] | None:
        """The next page's request, or None when the walk is over."""
        if self.done or self.pages >= MAX_PAGES:
            self.done = True
            return None
        self.pages += 1
        return _config(self._token)

    def take(self, page: Any) -> None:
        self._token = _take(page, self.wanted, self.found)
        self.done = self._token is None

    def close(self, now: float) -> None:
        """Publish a finished walk, or record the failure; always releases the claim.

        Called on every way out, interrupts and cancellation included: a claim left held would
        make every other wait sleep on a listing that never comes.
        """
        if self.done:
            self.listing.publish(self.found, self.pages)
        else:
            self.listing.fail(now)


def refresh(listing: Listing, list_page: ListPage, now: float) -> None:
    """Fetch the listing when it is due and no other wait is fetching it."""
    wanted = listing.claim(now)
    if wanted is None:
        return
    walk = _Walk(listing, wanted)
    try:
        while (config := walk.next_config()) is not None:
            walk.take(list_page(config))
    except Exception:  # the waits' own files.get reports anything that matters
        walk.done = False
    finally:
        walk.close(now)


async def arefresh(listing: Listing, list_page: AListPage, now: float) -> None:
    """Async twin of :func:`refresh` (a cancelled fetch releases its claim too)."""
    wanted = listing.claim(now)
    if wanted is None:
        return
    walk = _Walk(listing, wanted)
    try:
        while (config := walk.next_config()) is not None:
            walk.take(await list_page(config))
    except Exception:  # the waits' own files.get reports anything that matters
        walk.done = False
    finally:
        walk.close(now)
