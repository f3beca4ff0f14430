"""What becomes of each window's answer: read, validated, followed up, and merged (pure).

Separate from the runners because the answers are handled the same way whoever sent the requests:
the sync and async runners here, and the batch reader for Batch Mode results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from langchain_gemini_vision._core.response import ModelReply, read_reply
from langchain_gemini_vision.errors import ResponseParseError
from langchain_gemini_vision.types import (
    TokenUsage,
    Transcript,
    TranscriptSegment,
    format_timestamp,
)
from langchain_gemini_vision.video._clock_mix import normalise_mixed_clock
from langchain_gemini_vision.video._transcript_parsing import parse_transcript_answer
from langchain_gemini_vision.video._transcription_plan import (
    TranscriptionPlan,
    WindowRequest,
    split_request,
)
from langchain_gemini_vision.video._windows import RawSegment, merge_windows, validate_segments


@dataclass(frozen=True)
class WindowProgress:
    """Reported to ``on_progress`` after each window finishes.

    Attributes:
        completed: Windows finished so far (this one included).
        total: Windows to run; grows by one when a cut-off window is retried as two halves.
        index: This window's position (0-based, in time order; halves keep their window's).
        start_s: Window start on the video's clock.
        end_s: Window end on the video's clock (None when the end is unknown).
        segments: Segments this window contributed before merging.
    """

    completed: int
    total: int
    index: int
    start_s: float
    end_s: float | None
    segments: int


ProgressCallback = Callable[[WindowProgress], None]


@dataclass
class WindowOutcome:
    """A window's validated segments on the video's clock.

    Attributes:
        superseded: The answer was cut off and the window was transcribed again as two halves;
            only its token usage still counts.
    """

    request: WindowRequest
    segments: list[RawSegment]
    raw_count: int
    dropped_out_of_range: int
    warnings: list[str]
    usage: TokenUsage
    model: str
    raw_text: str
    superseded: bool = False


def _window_outcome(reply: ModelReply, request: WindowRequest, label: str) -> WindowOutcome:
    window = request.window
    hi = None if request.open_end else window.end_s
    where = label or ("clip" if request.clipped else "video")
    if reply.truncated and not reply.text.strip():
        raise ResponseParseError(
            f"{where}: the answer was cut off by the output token limit before any segment "
            "(thinking can use up the budget): raise max_output_tokens or use a smaller window_s.",
            raw_text=reply.text,
        )
    parsed = parse_transcript_answer(reply.text)
    warnings = [f"{where}: {r}" if label else r for r in parsed.repairs]
    if reply.truncated or parsed.truncated:
        warnings.append(
            f"{where}: the answer was cut off by the output token limit; the transcript may miss "
            "the end of this part (use a smaller window_s or raise max_output_tokens)"
        )
    segments = parsed.segments
    if request.clipped:
        segments, notes = normalise_mixed_clock(segments, window.start_s, hi, label=where)
        warnings.extend(notes)
    checked = validate_segments(segments, window.start_s, hi, label=where)
    warnings.extend(f"{where}: {r}" if label else r for r in checked.repairs)
    return WindowOutcome(
        request,
        checked.segments,
        len(parsed.segments),
        checked.dropped_out_of_range,
        warnings,
        reply.usage,
        reply.model,
        reply.text,
    )


def read_window(message: BaseMessage, request: WindowRequest, *, label: str = "") -> WindowOutcome:
    """Parse one window's answer, bring it onto the video's clock and validate it (pure).

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The answer holds no readable segments.
    """
    return _window_outcome(read_reply(message), request, label)


class WindowRun:
    """Bookkeeping of one transcription run, shared by the sync and async runners (no I/O).

    The runners send requests and hand each answer to :meth:`receive`, which returns follow-up
    requests to send (the two halves of a cut-off window), reports progress, and collects the
    outcomes for :func:`finish_transcription`.
    """

    def __init__(self, plan: TranscriptionPlan, on_progress: ProgressCallback | None) -> None:
        self.plan = plan
        self.on_progress = on_progress
        self.outcomes: list[WindowOutcome] = []
        self.total = len(plan.requests)
        self.completed = 0

    def label(self, request: WindowRequest) -> str:
        """Prefix of a window's warnings; empty when the video went in one piece."""
        return request.window.label() if len(self.plan.requests) > 1 or request.retry else ""

    def receive(self, request: WindowRequest, message: BaseMessage) -> list[WindowRequest]:
        """Read one answer; return the requests to send next (usually none).

        Raises:
            ResponseBlockedError: The answer was blocked.
            ResponseParseError: The answer holds no readable segments.
        """
        reply = read_reply(message)
        halves = split_request(self.plan, request) if reply.truncated else []
        if halves:
            # What the cut answer holds is re-transcribed by the halves; its tokens were spent.
            self.outcomes.append(
                WindowOutcome(request, [], 0, 0, [], reply.usage, reply.model, reply.text, True)
            )
            self.total += len(halves) - 1
            return halves
        outcome = _window_outcome(reply, request, self.label(request))
        self.outcomes.append(outcome)
        self.completed += 1
        if self.on_progress is not None:
            window = request.window
            self.on_progress(
                WindowProgress(
                    completed=self.completed,
                    total=self.total,
                    index=window.index,
                    start_s=window.start_s,
                    end_s=None if request.open_end else window.end_s,
                    segments=len(outcome.segments),
                )
            )
        return []


def _to_segment(seg: RawSegment) -> TranscriptSegment:
    end = seg.end_s if seg.end_s is not None else seg.start_s
    return TranscriptSegment(
        start_s=round(seg.start_s, 3),
        end_s=round(max(end, seg.start_s), 3),
        text=seg.text,
        speaker=seg.speaker,
        visual=seg.visual,
    )


def _split_note(outcome: WindowOutcome) -> str:
    return (
        f"{outcome.request.window.label()}: the answer hit the output token limit; transcribed "
        "again as two halves"
    )


def finish_transcription(
    plan: TranscriptionPlan, outcomes: list[WindowOutcome], *, fallback_model: str = ""
) -> Transcript:
    """Merge the windows, validate against the whole span, and build the ``Transcript`` (pure).

    Raises:
        ResponseParseError: Every segment the model returned lies outside the video.
    """
    # By start, a split window before its halves (its note reads before theirs).
    ordered = sorted(outcomes, key=lambda o: (o.request.window.start_s, -o.request.window.end_s))
    live = [o for o in ordered if not o.superseded]
    warnings = list(plan.warnings)
    for outcome in ordered:
        warnings.extend([_split_note(outcome)] if outcome.superseded else outcome.warnings)
    merged, _duplicates = merge_windows([(o.request.window, o.segments) for o in live])
    label = (
        "clip"
        if plan.lo > 0 or (plan.hi is not None and plan.hi != plan.source.duration_s)
        else "video"
    )
    final = validate_segments(merged, plan.lo, plan.hi, label=label)
    warnings.extend(final.repairs)
    raw = sum(o.raw_count for o in live)
    if raw and not final.segments:
        raise ResponseParseError(
            f"All {raw} segment(s) the model returned have timestamps outside the {label} "
            f"({format_timestamp(plan.lo)}-{format_timestamp(plan.hi or 0)}): they were "
            "hallucinated, so there is nothing trustworthy to return. Retry, or transcribe a "
            "shorter clip with start=/end=.",
            raw_text="\n\n".join(o.raw_text for o in live)[:20000],
        )
    if not raw:
        warnings.append(
            "the model found nothing to transcribe (empty transcript): the video may be silent "
            "and static"
        )
    usage = TokenUsage()
    for outcome in ordered:
        usage = usage + outcome.usage
    model = next((o.model for o in ordered if o.model), fallback_model)
    return Transcript(
        segments=[_to_segment(s) for s in final.segments],
        duration_s=plan.source.duration_s,
        source=plan.source.source,
        model=model,
        usage=usage,
        warnings=warnings,
        gemini_file_uri=plan.source.gemini_file_uri,
    )
