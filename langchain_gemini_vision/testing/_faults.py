"""Injected failures: HTTP errors with the live API's bodies, and dropped connections."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from langchain_gemini_vision.testing import _wire


@dataclass
class _Matcher:
    """Shared matching and use-counting for faults and drops.

    ``probability`` below 1 makes a matching request fail only that often (drawn from ``rng``,
    seeded for reproducible runs): "5% of requests fail" instead of "the next N".
    """

    times: int = 1
    path_contains: str | None = None
    method: str | None = None
    used: int = 0
    probability: float = 1.0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def remaining(self) -> int:
        """Uses left."""
        return max(0, self.times - self.used)

    def claim(self, method: str, target: str) -> bool:
        """Consume one use if this applies to ``method target`` (path with query)."""
        with self._lock:
            if self.used >= self.times:
                return False
            if self.method is not None and self.method.upper() != method.upper():
                return False
            if self.path_contains is not None and self.path_contains not in target:
                return False
            if self.probability < 1.0 and self.rng.random() >= self.probability:
                return False
            self.used += 1
            return True


@dataclass
class Fault(_Matcher):
    """An HTTP error to answer instead of the real handling (see ``inject_fault``).

    Attributes:
        status: HTTP status to answer.
        retry_delay_s: For 429, the RetryInfo delay (and "Please retry in Xs.").
        message: Overrides the live API's default message for ``status``.
    """

    status: int = 500
    retry_delay_s: float | None = None
    message: str | None = None

    def error(self, model: str) -> _wire.ApiError:
        """The error answer, with the body the live API sends for this status."""
        if self.status == 429:
            delay = 1.0 if self.retry_delay_s is None else self.retry_delay_s
            return _wire.quota_exceeded(delay, model, self.message)
        return _wire.ApiError(self.status, self.message)


@dataclass
class Drop(_Matcher):
    """A request whose connection is closed without any answer (see ``drop_connections``)."""
