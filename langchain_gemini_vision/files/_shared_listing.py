"""Many waits, few requests: one ``files.list`` page answers every file waited for on a client.

A wait polling its own file costs one ``files.get`` per second per file, and no schedule at that
rate can notice a file that turns ACTIVE at an unpredictable moment sooner than 0.5 s (median)
later (``_core.poll_schedule``). When several files are waited for at once on the same client (a
loader ingesting a folder of videos, a batch of uploads), one ``files.list`` page (up to 100
files, newest first, so recent uploads come first) answers all of them. So:

* each wait registers its file on the client's listing while it waits;
* with two or more files registered, a wait reads the latest listing every ``LOOK_S`` (a read
  costs no request), and whichever wait finds the listing older than :meth:`Listing.interval`
  fetches it again, for everyone;
* the interval keeps the whole listing at or under one request per second per waiting file (the
  politeness bar of a single wait), and never faster than ``LOOK_S``: with 4 or more files that
  is 4 listings a second in all, however many files wait;
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

from langchain_gemini_vision.types import GeminiFile

LOOK_S = 0.25
"""How often a wait reads the shared listing, and the shortest interval between two listings."""
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
        self._pages = 1
        self._paused_until = -math.inf
        self.requests = 0
        """Pages fetched so far (for tests and benchmarks: the listing's whole request count)."""

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

    def interval(self) -> float:
        """Seconds between two listings: at most one request per second per waiting file."""
        with self._lock:
            return max(LOOK_S, self._pages / max(len(self._waiting), 1))

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
        interval = self.interval()
        with self._lock:
            if now - self._started_at < interval or now < self._paused_until:
                return None
            if not self._fetching.acquire(blocking=False):
                return None
            self._started_at = now
            return set(self._waiting)

    def publish(self, found: dict[str, GeminiFile], pages: int) -> None:
        """Store a complete listing (releases the claim)."""
        with self._lock:
            self._seen = {name: file for name, file in found.items() if name in self._waiting}
            self._pages = max(pages, 1)
            self._generation += 1
        self._fetching.release()

    def fail(self, now: float) -> None:
        """Record a failed listing (releases the claim): waits poll on their own for a while."""
        with self._lock:
            self._paused_until = now + PAUSE_AFTER_FAILURE_S
            self._seen = {}
        self._fetching.release()


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
        self.listing.requests += 1
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
