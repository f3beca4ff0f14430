"""Answer shapes seen from (or plausible for) real Gemini transcription runs, with what they mean.

Written for this project (no recorded text is copied). Each shape lists the segments the parser
must read, as ``(start_s, end_s_or_None, text)`` in answer order, before clock validation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

Expected = tuple[float, float | None, str]


@dataclass(frozen=True)
class Shape:
    """One answer and the segments it holds."""

    family: str
    name: str
    answer: str
    segments: tuple[Expected, ...]
    warning: str = ""
    """A substring one of the parser's warnings must contain ('' when no repair is expected)."""


def _j(value: object) -> str:
    return json.dumps(value)


TWO = ((0.0, 16.0, "The user opens the box."), (16.0, 30.0, "A cat jumps in."))


def _two(text_key: str, start_key: str = "start", end_key: str = "end") -> list[object]:
    """The two segments of ``TWO`` as JSON items with the given keys."""
    return [
        {start_key: f"00:{a:02.0f}", end_key: f"00:{b:02.0f}", text_key: text}
        for a, b, text in TWO
        if b is not None
    ]


TRANSCRIPT_SHAPES: tuple[Shape, ...] = (
    # --- text under another key -------------------------------------------------------------
    *(
        Shape(
            "text key",
            f"text under {key!r}",
            _j({"segments": _two(key)}),
            TWO,
            "" if key.lower() == "text" else f"'{key.lower()}' key",
        )
        for key in (
            "text",
            "caption",
            "transcript",
            "description",
            "content",
            "speech",
            "narration",
            "summary",
            "dialogue",
            "Caption",
            "TEXT",
            "utterance",
        )
    ),
    Shape(
        "text key",
        "the only string field, under an unknown key",
        _j(_two("what_happens")),
        TWO,
        "'whathappens' key",
    ),
    Shape(
        "text key",
        "camelCase time keys and a caption",
        _j(_two("caption", "startTime", "endTime")),
        TWO,
        "'caption' key",
    ),
    Shape(
        "text key",
        "text and description: description is the visual",
        _j(
            [
                {
                    "start": "0:00",
                    "end": "0:16",
                    "text": "The user opens the box.",
                    "description": "A cardboard box.",
                }
            ]
        ),
        ((0.0, 16.0, "The user opens the box."),),
    ),
    Shape(
        "text key",
        "nested time object and a speech key",
        _j([{"time": {"start": "0:00", "end": "0:16"}, "speech": "The user opens the box."}]),
        ((0.0, 16.0, "The user opens the box."),),
        "'speech' key",
    ),
    # --- timestamp-keyed objects ------------------------------------------------------------
    Shape(
        "time-keyed",
        "list of one-key objects",
        _j([{"00:00": "Close-up of fur."}, {"00:16": "A paw reaches out."}]),
        ((0.0, None, "Close-up of fur."), (16.0, None, "A paw reaches out.")),
        "timestamp itself as the JSON key",
    ),
    Shape(
        "time-keyed",
        "one object keyed by times",
        _j({"00:00": "Close-up of fur.", "00:16": "A paw reaches out."}),
        ((0.0, None, "Close-up of fur."), (16.0, None, "A paw reaches out.")),
        "timestamp itself as the JSON key",
    ),
    Shape(
        "time-keyed",
        "range keys in a fence",
        "```json\n" + _j([{"0:00-0:16": "Close-up of fur."}, {"0:16-0:30": "A paw."}]) + "\n```",
        ((0.0, 16.0, "Close-up of fur."), (16.0, 30.0, "A paw.")),
        "timestamp itself as the JSON key",
    ),
    Shape(
        "time-keyed",
        "time keys holding objects",
        _j({"transcript": [{"1:00:00": {"speech": "Late remark.", "visual": "A clock."}}]}),
        ((3600.0, None, "Late remark."),),
        "timestamp itself as the JSON key",
    ),
    Shape(
        "time-keyed",
        "pairs as two-element lists",
        _j([["0:00", "Close-up of fur."], ["0:16", "A paw reaches out."]]),
        ((0.0, None, "Close-up of fur."), (16.0, None, "A paw reaches out.")),
    ),
    # --- ranges in one string -----------------------------------------------------------------
    *(
        Shape(
            "range string",
            f"range {stamp!r}",
            _j([{"timestamp": stamp, "text": "Hello."}]),
            ((start, end, "Hello."),),
        )
        for stamp, start, end in (
            ("0:29 - 0:32", 29.0, 32.0),
            ("00:00 - 00:17", 0.0, 17.0),
            ("(0:00-0:09)", 0.0, 9.0),
            ("1:02:03-1:02:09", 3723.0, 3729.0),
            ("[00:40 \u2013 00:45]", 40.0, 45.0),
            ("**0:10-0:12**", 10.0, 12.0),
        )
    ),
    Shape(
        "range string",
        "range in the start field, empty end",
        _j({"segments": [{"start": "0:05 - 0:09", "end": "", "text": "Today: orbits."}]}),
        ((5.0, 9.0, "Today: orbits."),),
    ),
    # --- markdown-decorated lines -------------------------------------------------------------
    Shape(
        "markdown",
        "bold range with colon inside",
        "**0:00-0:16:** The user opens the box.\n**0:16-0:30:** A cat jumps in.",
        TWO,
        "markdown",
    ),
    Shape(
        "markdown",
        "bullets with bold stamps",
        "* **0:00 - 0:16**: The user opens the box.\n* **0:16 - 0:30**: A cat jumps in.",
        TWO,
        "markdown",
    ),
    Shape(
        "markdown",
        "Timestamp label lines followed by text lines",
        "Here is the breakdown:\n\n*   **Timestamp: 00:00**\n    The user opens the box.\n"
        "*   **Timestamp: 00:16**\n    *   **Description:** A cat jumps in.\n",
        ((0.0, None, "The user opens the box."), (16.0, None, "A cat jumps in.")),
        "before the first timestamp",
    ),
    Shape(
        "markdown",
        "headings per stamp",
        "### 0:00\nThe user opens the box.\n### 0:16\nA cat jumps in.",
        ((0.0, None, "The user opens the box."), (16.0, None, "A cat jumps in.")),
    ),
    Shape(
        "markdown",
        "numbered list with quoted speech",
        '1. [00:00] "The user opens the box."\n2. [00:16] "A cat jumps in."',
        ((0.0, None, "The user opens the box."), (16.0, None, "A cat jumps in.")),
    ),
    Shape(
        "markdown",
        "visual and speaker label lines",
        "**0:00-0:16:** The user opens the box.\n  *Visual:* A cardboard box.\n"
        "**0:16-0:30:** A cat jumps in.",
        TWO,
    ),
    Shape(
        "markdown",
        "At-style sentences on their own lines",
        "At 00:40, the speaker turns to the board.\nAt 00:45, she writes the formula.",
        (
            (40.0, None, "the speaker turns to the board."),
            (45.0, None, "she writes the formula."),
        ),
        "prose",
    ),
    Shape(
        "markdown",
        "plain bracketed lines with an H:MM:SS stamp",
        "[0:59:58] Almost an hour in.\n[1:00:03] Past the hour.",
        ((3598.0, None, "Almost an hour in."), (3603.0, None, "Past the hour.")),
    ),
    Shape(
        "markdown",
        "pipes and en dashes",
        "00:00 \u2013 00:16 | The user opens the box.\n00:16 \u2013 00:30 | A cat jumps in.",
        TWO,
    ),
    # --- prose with inline times --------------------------------------------------------------
    Shape(
        "prose",
        "time after the sentence's full stop (recorded style)",
        "The cat plays with the buttons. (0:00-0:09) The user likes the treats "
        "(0:09-0:25, 0:41-0:45).",
        ((0.0, 9.0, "The cat plays with the buttons."), (9.0, 25.0, "The user likes the treats.")),
        "extra time range",
    ),
    Shape(
        "prose",
        "from-to ranges",
        "From 00:17 to 00:21 the dog runs. The owner laughs from 00:21 to 00:30.",
        ((17.0, 21.0, "the dog runs."), (21.0, 30.0, "The owner laughs.")),
        "prose",
    ),
    Shape(
        "prose",
        "preamble then annotated sentences",
        "Sure! Here is what happens in the video.\n\nThe cat sleeps (0:00-0:10). "
        "It wakes up and stretches (0:10-0:14). Then it leaves.",
        (
            (0.0, 10.0, "The cat sleeps."),
            (10.0, 14.0, "It wakes up and stretches. Then it leaves."),
        ),
        "before the first timestamp",
    ),
    Shape(
        "prose",
        "between-and and bracketed single stamps",
        "Between 1:02 and 1:10 the crowd cheers. A whistle blows [1:12].",
        ((62.0, 70.0, "the crowd cheers."), (72.0, None, "A whistle blows.")),
    ),
    Shape(
        "prose",
        "bare ranges inside sentences",
        "The intro runs 0:00 - 0:05 with music. The title appears 0:05-0:08.",
        ((0.0, 5.0, "The intro runs with music."), (5.0, 8.0, "The title appears.")),
    ),
    Shape(
        "prose",
        "a paragraph per scene with bold times",
        "**(0:00-0:12)** A woman walks into a bakery.\n\n**(0:12-0:20)** She points at a cake.",
        ((0.0, 12.0, "A woman walks into a bakery."), (12.0, 20.0, "She points at a cake.")),
    ),
    # --- wrappers and mixed conventions -------------------------------------------------------
    Shape(
        "wrapper",
        "Segments key in another case",
        _j(
            {
                "Segments": [
                    {"Start": "0:00", "End": "0:16", "Text": "The user opens the box."},
                    {"Start": "0:16", "End": "0:30", "Text": "A cat jumps in."},
                ]
            }
        ),
        TWO,
    ),
    Shape(
        "wrapper",
        "numbers as seconds",
        _j([{"start": 0, "end": 16.5, "text": "The user opens the box."}]),
        ((0.0, 16.5, "The user opens the box."),),
    ),
    Shape(
        "wrapper",
        "a single segment object, not a list",
        _j({"start": "0:00", "end": "0:16", "text": "The user opens the box."}),
        ((0.0, 16.0, "The user opens the box."),),
    ),
    Shape(
        "wrapper",
        "markdown residue inside JSON text",
        _j([{"timestamp": "0:00", "text": "**The user** opens the `box`."}]),
        ((0.0, None, "The user opens the box."),),
    ),
    Shape(
        "wrapper",
        "speech that looks like a list or a label is the model's text, kept",
        _j(
            [
                {"start": "0:00", "text": "1. Preheat the oven."},
                {"start": "0:05", "text": "Text: hi"},
            ]
        ),
        ((0.0, None, "1. Preheat the oven."), (5.0, None, "Text: hi")),
    ),
    Shape(
        "wrapper",
        "clip answer restarting at 0:00 (kept as written; the clock is fixed later)",
        _j(
            [{"start": "0:40", "text": "At the clip's start."}, {"start": "0:00", "text": "Again."}]
        ),
        ((40.0, None, "At the clip's start."), (0.0, None, "Again.")),
    ),
)
"""Transcript answers, by family."""

BLANK_ANSWERS: tuple[tuple[str, str], ...] = (
    (
        "empty texts",
        _j([{"start": "0:00", "end": "0:05", "text": ""}, {"start": "0:05", "text": " "}]),
    ),
    ("time-keyed blanks", _j([{"00:00": ""}, {"00:16": ""}])),
    ("stamps without text", "[00:00]\n[00:16]\n"),
    ("label lines only", "*   **Timestamp: 00:17**\n*   **Timestamp: 00:30**"),
    ("no text key at all", _j([{"start": "0:00", "end": "0:05", "confidence": 0.9}])),
)
"""Answers with times but no text anywhere: an error, never a blank transcript."""

ChapterShape = tuple[str, str, str, tuple[tuple[float, str], ...]]
INTRO_SETUP = ((0.0, "Intro"), (75.0, "Setup"))
"""What most chapter answers below hold: Intro at 0:00, Setup at 1:15."""


def _chapters(name: str, answer: str, summary: str = "") -> ChapterShape:
    return (name, answer, summary, INTRO_SETUP)


def _pair(key: str, title_key: str, first: str = "0:00", second: str = "1:15") -> list[object]:
    return [{key: first, title_key: "Intro"}, {key: second, title_key: "Setup"}]


CHAPTER_SHAPES: tuple[ChapterShape, ...] = (
    _chapters(
        "object",
        _j({"summary": "A wiring guide.", "chapters": _pair("start", "title")}),
        "A wiring guide.",
    ),
    _chapters("bare list of objects", _j(_pair("time", "title"))),
    _chapters("bare list of strings", _j(["0:00 Intro", "01:15 Setup"])),
    _chapters(
        "fenced bare list", f"```json\n{_j(_pair('timestamp', 'name', '00:00', '01:15'))}\n```"
    ),
    _chapters(
        "markdown dash bold",
        "A wiring guide.\n\n- **0:00** Intro\n- **1:15** Setup",
        "A wiring guide.",
    ),
    _chapters(
        "markdown star en dash",
        "A wiring guide.\n\n**Chapters**\n* 00:00 \u2013 Intro\n* 01:15 \u2013 Setup",
        "A wiring guide.",
    ),
    _chapters("numbered", "1. 0:00 Intro\n2. 1:15 Setup"),
    _chapters(
        "numbered with time after title",
        "Summary here.\n1. **Intro** (0:00)\n2. **Setup** (1:15)",
        "Summary here.",
    ),
    _chapters("bracketed lines", "[0:00] Intro\n[1:15] Setup"),
    _chapters(
        "time-keyed chapters",
        _j({"summary": "S.", "chapters": {"0:00": "Intro", "1:15": "Setup"}}),
        "S.",
    ),
    _chapters(
        "other wrapper key", _j({"overview": "S.", "timeline": _pair("at", "heading")}), "S."
    ),
    (
        "H:MM:SS markdown",
        "- 0:00:00 Intro\n- 1:01:15 Setup",
        "",
        ((0.0, "Intro"), (3675.0, "Setup")),
    ),
)
"""Chapter answers: (name, answer, summary, [(start_s, title)])."""
