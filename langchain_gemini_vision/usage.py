"""Cost accounting: token usage summed per model and mode, priced with a table you pass.

``UsageReport`` adds up the ``TokenUsage`` of results (synchronous calls, batch items, video
sessions) per model and per mode (interactive or batch). ``PriceTable`` is plain data.

This package ships NO dollar prices. It was written on 2026-12-02 without network access, and
no copy of Google's price list (https://ai.google.dev/gemini-api/docs/pricing) could be read, so
any number here would be a guess that looks like a price. ``DEFAULT_PRICES`` is therefore empty:
a report still counts every token, and says "no price known for model X" until you pass
``prices=PriceTable({...})`` with figures from that page (and its date).

What is cited: Google's own "Optimization" page (https://ai.google.dev/gemini-api/docs/optimization,
stored copies read 2026-12-02) says Batch Mode costs 50% of the standard price, which is the
default ``batch_discount``; give ``batch_input_per_million`` / ``batch_output_per_million`` when
the price list's Batch column says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from langchain_gemini_vision._core.validate import (
    CONSTRUCTION,
    as_construction,
    check_bool,
    check_instance,
    check_number,
    check_text,
    refuse,
)
from langchain_gemini_vision.types import TokenUsage

PRICES_AS_OF = "2026-12-02"
PRICES_SOURCE = (
    "none: this package ships no prices (Google's price list could not be read when it was "
    "written); pass prices=PriceTable({...}) from https://ai.google.dev/gemini-api/docs/pricing"
)
#: Batch Mode's price relative to the standard one ("50% discount"), as Google's Optimization
#: page (https://ai.google.dev/gemini-api/docs/optimization) states it; read 2026-12-02.
BATCH_DISCOUNT = 0.5


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million tokens for one model (from the price list's Paid tier).

    Attributes:
        input_per_million: Prompt tokens (text, image, video) not read from a cache.
        output_per_million: Output tokens, thinking included (as LangChain counts them).
        cached_input_per_million: Prompt tokens read from a context cache.
        batch_discount: Multiplier for Batch Mode usage when no batch price is given (0.5).
        batch_input_per_million: The Batch column's input price (else input x discount).
        batch_output_per_million: The Batch column's output price (else output x discount).
    """

    input_per_million: float
    output_per_million: float
    cached_input_per_million: float
    batch_discount: float = BATCH_DISCOUNT
    batch_input_per_million: float | None = None
    batch_output_per_million: float | None = None

    def __post_init__(self) -> None:
        with as_construction("ModelPrice"):
            for name in ("input_per_million", "output_per_million", "cached_input_per_million"):
                check_number(getattr(self, name), name, low=0, unit="dollars")
            for name in ("batch_input_per_million", "batch_output_per_million"):
                if getattr(self, name) is not None:
                    check_number(getattr(self, name), name, low=0, unit="dollars")
            check_number(self.batch_discount, "batch_discount", low=0, high=1)

    def dollars(self, totals: UsageTotals, *, batch: bool) -> float:
        """What ``totals`` cost at this price, in ``batch`` mode or not."""
        fresh = max(totals.prompt_tokens - totals.cached_tokens, 0)
        cached = totals.cached_tokens * self.cached_input_per_million
        if not batch:
            return (
                fresh * self.input_per_million
                + cached
                + totals.output_tokens * self.output_per_million
            ) / 1_000_000
        cut = self.batch_discount
        fresh_rate = _or(self.batch_input_per_million, self.input_per_million * cut)
        output_rate = _or(self.batch_output_per_million, self.output_per_million * cut)
        return (fresh * fresh_rate + cached * cut + totals.output_tokens * output_rate) / 1_000_000


def _or(given: float | None, otherwise: float) -> float:
    return otherwise if given is None else given


@dataclass(frozen=True)
class PriceTable:
    """Prices per model name (``"*"`` applies to any model not listed).

    Attributes:
        models: ``{model name: ModelPrice}``.
        as_of: When the prices were checked.
        source: Where they come from.
        placeholder: True marks the prices as estimates, not a price list's (reports say so).
    """

    models: Mapping[str, ModelPrice]
    as_of: str
    source: str
    placeholder: bool = False

    def __post_init__(self) -> None:
        with as_construction("PriceTable"):
            if not isinstance(self.models, Mapping) or not all(
                isinstance(k, str) and isinstance(v, ModelPrice) for k, v in self.models.items()
            ):
                refuse("models", self.models, "a mapping {model name: ModelPrice}")
            check_text(self.as_of, "as_of", optional=False)
            check_text(self.source, "source", optional=False)
            check_bool(self.placeholder, "placeholder")

    def price_for(self, model: str) -> ModelPrice | None:
        """The price of ``model`` (``models/`` prefix ignored), else the ``"*"`` entry."""
        bare = model.rsplit("/", 1)[-1]
        return self.models.get(bare) or self.models.get("*")

    def with_model(self, model: str, price: ModelPrice) -> PriceTable:
        """A copy with ``model`` priced at ``price`` (an estimate table stays marked as one)."""
        return replace(self, models=MappingProxyType({**self.models, model: price}))


#: No prices at all (see the module's docstring): every model is "no price known" until you pass
#: ``prices=PriceTable({...})`` or ``DEFAULT_PRICES.with_model(name, ModelPrice(...))``.
DEFAULT_PRICES = PriceTable(models=MappingProxyType({}), as_of=PRICES_AS_OF, source=PRICES_SOURCE)


@dataclass
class UsageTotals:
    """Summed token counts of one model in one mode."""

    calls: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0

    def add(self, usage: TokenUsage) -> None:
        """Count one call."""
        self.calls += 1
        self.prompt_tokens += usage.input_tokens
        self.cached_tokens += usage.cached_tokens
        self.output_tokens += usage.output_tokens
        self.thinking_tokens += usage.reasoning_tokens

    def absorb(self, other: UsageTotals) -> None:
        """Add ``other``'s counts to these."""
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.cached_tokens += other.cached_tokens
        self.output_tokens += other.output_tokens
        self.thinking_tokens += other.thinking_tokens


@dataclass(frozen=True)
class CostReport:
    """Dollar costs per ``(model, mode)`` and in total.

    Attributes:
        lines: ``{(model, "interactive" | "batch"): dollars}``.
        total: Sum of ``lines``.
        unpriced: Models that have no price in the table (left out of ``total``).
        placeholder: True when the table marks its prices as estimates.
        as_of: The table's date.
        source: The table's source.
    """

    lines: dict[tuple[str, str], float]
    total: float
    unpriced: list[str]
    placeholder: bool
    as_of: str
    source: str


@dataclass
class UsageReport:
    """Token usage summed per ``(model, mode)``; mode is ``"interactive"`` or ``"batch"``.

    Example:
        >>> report = UsageReport()                                          # doctest: +SKIP
        >>> report.add_results(job.results(), batch=True)                   # doctest: +SKIP
        >>> report.add(session.usage, model=session.model)                  # doctest: +SKIP
        >>> print(report.to_text(prices=my_prices))                         # doctest: +SKIP
    """

    totals: dict[tuple[str, str], UsageTotals] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.totals, dict) or not all(
            isinstance(v, UsageTotals) for v in self.totals.values()
        ):
            what = "a dict {(model, mode): UsageTotals} (usually left out)"
            refuse("totals", self.totals, what, CONSTRUCTION)

    def add(self, usage: TokenUsage, *, model: str, batch: bool = False) -> None:
        """Count one call's usage.

        Raises:
            InvalidRequestError: ``usage`` is not a ``TokenUsage``, ``model`` not a string or
                ``batch`` not a bool.
        """
        check_instance(usage, "usage", TokenUsage, "a TokenUsage", optional=False)
        check_instance(model, "model", str, "a model name (str)", optional=False)
        check_bool(batch, "batch")
        key = (model.rsplit("/", 1)[-1] or "unknown", "batch" if batch else "interactive")
        self.totals.setdefault(key, UsageTotals()).add(usage)

    def add_result(self, result: Any, *, batch: bool = False) -> None:
        """Count a result that carries ``usage`` and ``model`` (CaptionResult, Transcript...)."""
        usage = getattr(result, "usage", None)
        if isinstance(usage, TokenUsage):
            self.add(usage, model=str(getattr(result, "model", "") or ""), batch=batch)

    def add_results(self, results: Iterable[Any], *, batch: bool = False) -> None:
        """Count results, or ``ItemResult`` slots (failed items cost nothing here)."""
        for item in results:
            self.add_result(getattr(item, "result", item), batch=batch)

    def merge(self, other: UsageReport) -> UsageReport:
        """A new report with both reports' counts."""
        out = UsageReport()
        for source in (self, other):
            for key, totals in source.totals.items():
                out.totals.setdefault(key, UsageTotals()).absorb(totals)
        return out

    def cost(self, prices: PriceTable = DEFAULT_PRICES) -> CostReport:
        """Dollars per ``(model, mode)`` with ``prices`` (default: none, so all unpriced)."""
        check_instance(prices, "prices", PriceTable, "a PriceTable", optional=False)
        lines: dict[tuple[str, str], float] = {}
        unpriced: list[str] = []
        for (model, mode), t in sorted(self.totals.items()):
            price = prices.price_for(model)
            if price is None:
                if model not in unpriced:
                    unpriced.append(model)
                continue
            lines[(model, mode)] = price.dollars(t, batch=mode == "batch")
        return CostReport(
            lines, sum(lines.values()), unpriced, prices.placeholder, prices.as_of, prices.source
        )

    def to_text(self, prices: PriceTable = DEFAULT_PRICES) -> str:
        """A small table of tokens and costs, one line per model and mode."""
        cost = self.cost(prices)
        rows = ["model             mode         calls   prompt   cached   output  thinking  cost $"]
        for (model, mode), t in sorted(self.totals.items()):
            dollars = cost.lines.get((model, mode))
            shown = f"{dollars:.6f}" if dollars is not None else "no price"
            rows.append(
                f"{model:<17} {mode:<11} {t.calls:>6} {t.prompt_tokens:>8} {t.cached_tokens:>8} "
                f"{t.output_tokens:>8} {t.thinking_tokens:>9}  {shown}"
            )
        if cost.lines:
            note = " (ESTIMATED prices)" if cost.placeholder else ""
            rows.append(f"total ${cost.total:.6f}{note}; prices as of {cost.as_of}: {cost.source}")
        if cost.unpriced:
            rows.append(
                f"no price known for model {', '.join(cost.unpriced)}: pass prices=PriceTable("
                "{model: ModelPrice(...)}) from https://ai.google.dev/gemini-api/docs/pricing"
                + (" (costs above leave it out)" if cost.lines else "")
            )
        return "\n".join(rows)
