"""The two image tools: LangChain's standard suites plus what the adapters promise."""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.exceptions import ModelError
from langchain_core.messages import ToolCall, ToolMessage
from langchain_google_genai import ChatGoogleGenerativeAI
from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests
from PIL import Image

from langchain_gemini_vision import caption_image, detect_objects
from langchain_gemini_vision._core.client import build_llm
from langchain_gemini_vision.errors import AuthenticationError
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg
from langchain_gemini_vision.tools import GeminiImageCaptionTool, GeminiObjectDetectionTool
from tests._offline import offline_llm

DETECTIONS = (
    "```json\n"
    + json.dumps(
        [
            {"box_2d": [125, 166, 250, 333], "label": "red square"},
            {"box_2d": [0, 0, 1000, 1000], "label": "blue background"},
        ]
    )
    + "\n```"
)
CAPTION = "A blue picture with a small red square near the top left."


class _ScriptedServer:
    """Class-scoped FakeGeminiServer, model and a sample photo under an allowed folder."""

    server: FakeGeminiServer
    llm: ChatGoogleGenerativeAI
    folder: Path

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _scripted_server(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
        folder = tmp_path_factory.mktemp("photos")
        (folder / "photo.jpg").write_bytes(make_jpeg(640, 480, orientation=6))
        with FakeGeminiServer() as server:
            server.add_rule(has_schema=False, text=CAPTION)
            server.add_rule(has_schema=True, text=DETECTIONS)
            cls.server = server
            cls.llm = server.llm(max_retries=1)
            cls.folder = folder
            yield


class TestDetectionToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[GeminiObjectDetectionTool]:
        return GeminiObjectDetectionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": offline_llm(), "allowed_dirs": []}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"image": "photos/street.jpg", "target": "every bicycle"}


class TestCaptionToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[GeminiImageCaptionTool]:
        return GeminiImageCaptionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": offline_llm(), "allowed_dirs": []}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"images": ["photos/street.jpg"], "prompt": "What is written on the sign?"}


class TestDetectionToolIntegration(_ScriptedServer, ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[GeminiObjectDetectionTool]:
        return GeminiObjectDetectionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": self.llm, "allowed_dirs": [self.folder], "output_dir": self.folder / "out"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"image": str(self.folder / "photo.jpg"), "target": "the red square"}


class TestCaptionToolIntegration(_ScriptedServer, ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[GeminiImageCaptionTool]:
        return GeminiImageCaptionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": self.llm, "allowed_dirs": [self.folder]}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"images": [str(self.folder / "photo.jpg")], "style": "alt_text"}


# --- adapter behaviour -------------------------------------------------------------------------


def call(name: str, **args: Any) -> ToolCall:
    return ToolCall(name=name, args=args, id="call-1", type="tool_call")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(make_jpeg(640, 480, orientation=6))
    return path


def test_detection_tool_content_artifact_and_annotated_png(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path, tmp_path: Path
) -> None:
    server.add_rule(text=DETECTIONS)
    tool = GeminiObjectDetectionTool(
        llm=llm, allowed_dirs=[tmp_path], output_dir=tmp_path / "annotated", max_image_side=320
    )
    message = tool.invoke(call(tool.name, image=str(photo), target="the red square"))
    assert isinstance(message, ToolMessage)
    assert message.content.startswith("2 objects in the 480x640 image")  # upright size
    assert "red square (79, 80, 160, 160)" in message.content
    artifact = message.artifact
    assert artifact["image_width"] == 480 and artifact["image_height"] == 640
    assert artifact["detections"][0]["box"] == {
        "x_min": 79,
        "y_min": 80,
        "x_max": 160,
        "y_max": 160,
    }
    saved = Path(artifact["annotated_image_path"])
    assert saved.parent == tmp_path / "annotated" and saved.suffix == ".png"
    with Image.open(saved) as png:
        assert png.size == (240, 320)  # the upright, downscaled copy that was sent
    assert str(saved) in message.content


async def test_detection_tool_async_path(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path, tmp_path: Path
) -> None:
    server.add_rule(text=DETECTIONS)
    tool = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[tmp_path], output_dir=tmp_path)
    message = await tool.ainvoke(call(tool.name, image=str(photo), target=["red square"]))
    assert Path(message.artifact["annotated_image_path"]).exists()
    assert message.artifact["detections"][1]["box"]["x_max"] == 480


def test_path_outside_allowed_dirs_is_refused_without_a_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path, tmp_path: Path
) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    tool = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[allowed])
    message = tool.invoke(call(tool.name, image=str(photo), target="x"))
    assert message.status == "error"
    assert "outside the folders" in message.content and "Traceback" not in message.content
    assert server.requests == []


@pytest.mark.parametrize("target", ["", "   "])
def test_empty_target_becomes_an_actionable_tool_error(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path, target: str
) -> None:
    tool = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[photo.parent])
    message = tool.invoke(call(tool.name, image=str(photo), target=target))
    assert message.status == "error" and "say what to find" in message.content
    assert server.requests == []


def test_not_an_image_becomes_a_tool_error(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    fake = tmp_path / "cat.png"
    fake.write_text("<html>not an image</html>")
    tool = GeminiImageCaptionTool(llm=llm, allowed_dirs=[tmp_path])
    message = tool.invoke(call(tool.name, images=[str(fake)]))
    assert message.status == "error" and "cannot read" in message.content
    assert server.requests == []


def test_caption_tool_content_is_the_caption_and_artifact_the_result(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path
) -> None:
    server.add_rule(text=CAPTION)
    tool = GeminiImageCaptionTool(llm=llm, allowed_dirs=[photo.parent], default_style="one_line")
    message = tool.invoke(call(tool.name, images=[str(photo), str(photo)]))
    assert message.content == CAPTION
    assert message.artifact["text"] == CAPTION
    assert message.artifact["usage"]["total_tokens"] > 0
    (request,) = server.generate_requests()
    assert len(request.media) == 2 and "one-line caption" in request.text


def test_caption_is_capped_for_the_model_but_not_in_the_artifact(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path
) -> None:
    long_text = "\n".join(f"line {i} " + "x" * 50 for i in range(100))
    server.add_rule(text=long_text)
    tool = GeminiImageCaptionTool(llm=llm, allowed_dirs=[photo.parent], max_content_chars=500)
    message = tool.invoke(call(tool.name, images=[str(photo)], prompt="Read everything"))
    assert len(message.content) < 700 and "truncated" in message.content
    assert message.artifact["text"] == long_text


def test_args_schema_holds_only_model_choices() -> None:
    detection = GeminiObjectDetectionTool(llm=offline_llm(), allowed_dirs=[])
    caption = GeminiImageCaptionTool(llm=offline_llm(), allowed_dirs=[])
    assert set(detection.get_input_schema().model_json_schema()["properties"]) == {
        "image",
        "target",
    }
    assert set(caption.get_input_schema().model_json_schema()["properties"]) == {
        "images",
        "prompt",
        "style",
    }
    assert detection.name == "gemini_detect_objects" and caption.name == "gemini_caption_image"


# --- secrets ---------------------------------------------------------------------------------

# Key-shaped but built at run time: no key-like literal is tracked.
FAKE_KEY = "AIza" + "SyLEAK-CANARY-0123456789abcdefghij"


def test_tool_reprs_are_short_and_never_show_the_key(tmp_path: Path) -> None:
    llm = offline_llm(model="gemini-2.5-flash", api_key=FAKE_KEY)
    detection = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[tmp_path], max_objects=5)
    caption = GeminiImageCaptionTool(llm=llm, allowed_dirs=[])
    for tool in (detection, caption):
        for text in (repr(tool), str(tool)):
            assert FAKE_KEY not in text
            assert "model='gemini-2.5-flash'" in text
            assert len(text) < 300  # the model's whole config is not dumped
    assert repr(detection).startswith("GeminiObjectDetectionTool(model='gemini-2.5-flash', ")
    assert "max_objects=5" in repr(detection)


@pytest.mark.parametrize("tool_class", [GeminiObjectDetectionTool, GeminiImageCaptionTool])
def test_a_rejected_key_never_shows_in_what_the_tool_raises(
    server: FakeGeminiServer, photo: Path, tool_class: type[GeminiObjectDetectionTool]
) -> None:
    assert server.api_key != FAKE_KEY
    llm = build_llm(model="gemini-2.5-flash", api_key=FAKE_KEY, base_url=server.url, max_retries=1)
    tool = tool_class(llm=llm, allowed_dirs=[photo.parent])
    args = (
        {"image": str(photo), "target": "x"} if "target" in tool.args else {"images": [str(photo)]}
    )
    # A rejected key reaches the agent as an error result it can report (an agent run must not
    # die on it), typed underneath, and key-free everywhere.
    result = tool.invoke(call(tool.name, **args))
    assert isinstance(result, ToolMessage) and result.status == "error"
    assert "rejected the API key" in result.content and "GOOGLE_API_KEY" in result.content
    assert "API key not valid" in result.content
    assert FAKE_KEY not in result.content
    with pytest.raises(AuthenticationError) as info:  # what the tool caught: typed, chained
        if "target" in tool.args:
            detect_objects(photo, "x", llm=llm)
        else:
            caption_image(photo, llm=llm)
    assert isinstance(info.value.__cause__, ModelError)
    shown = "".join(traceback.format_exception(info.value))
    assert "API key not valid" in shown
    assert FAKE_KEY not in shown


# --- bad input (issue 4): a tool error with a next step, never a traceback ------------------

_JPEG = make_jpeg(64, 48)
# (name, file bytes or None for a model-chosen reference, reference, next step in the message)
BAD_INPUT = [
    ("not an image", b"plain notes, whatever the name says", "notes.jpg", "Supported"),
    ("corrupt JPEG", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x13" * 300, "bad.jpg", "Re-export"),
    ("truncated JPEG", _JPEG[: len(_JPEG) // 2], "cut.jpg", "Re-export or re-download"),
    ("missing file", None, "nope.jpg", "Check the path"),
    ("URL that 404s", None, "{base}/gone.jpg", "check the link"),
    ("URL that is HTML", None, "{base}/page.jpg", "Link to the image or video file itself"),
    ("unknown Gemini file", None, "files/doesnotexist", "Upload the file again"),
]


@pytest.mark.parametrize(
    ("name", "data", "ref", "next_step"), BAD_INPUT, ids=[row[0] for row in BAD_INPUT]
)
@pytest.mark.parametrize("tool_class", [GeminiObjectDetectionTool, GeminiImageCaptionTool])
def test_bad_input_is_a_tool_error_with_a_next_step(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    tmp_path: Path,
    web: tuple[str, dict[str, tuple[int, str, bytes]]],
    tool_class: type[GeminiObjectDetectionTool],
    name: str,
    data: bytes | None,
    ref: str,
    next_step: str,
) -> None:
    base, routes = web
    routes["/page.jpg"] = (200, "text/html", b"<!DOCTYPE html><html><body>hi</body></html>")
    if data is not None:
        (tmp_path / ref).write_bytes(data)
    reference = ref.format(base=base) if "{base}" in ref else ref
    if "/" not in reference:
        reference = str(tmp_path / reference)
    tool = tool_class(llm=llm, allowed_dirs=[tmp_path], ssrf_guard=False)  # web is on loopback
    args = {"image": reference, "target": "x"} if "target" in tool.args else {"images": [reference]}
    message = tool.invoke(call(tool.name, **args))
    assert message.status == "error", message.content
    assert next_step in message.content
    assert "Traceback" not in message.content
    assert server.generate_requests() == [] and server.files == {}


@pytest.mark.parametrize("rule", [{"block_reason": "SAFETY"}, {"finish_reason": "SAFETY"}])
@pytest.mark.parametrize("tool_class", [GeminiObjectDetectionTool, GeminiImageCaptionTool])
def test_safety_blocked_answer_is_a_tool_error_with_a_next_step(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    photo: Path,
    tool_class: type[GeminiObjectDetectionTool],
    rule: dict[str, str],
) -> None:
    server.add_rule(**rule)
    tool = tool_class(llm=llm, allowed_dirs=[photo.parent])
    args = (
        {"image": str(photo), "target": "x"} if "target" in tool.args else {"images": [str(photo)]}
    )
    message = tool.invoke(call(tool.name, **args))
    assert message.status == "error"
    assert "SAFETY" in message.content and "Rephrase the prompt" in message.content


def test_max_tokens_cut_off_is_flagged_to_the_model(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: Path
) -> None:
    full = json.dumps([{"box_2d": [1, 1, 50, 50], "label": "a"}, {"box_2d": [60, 60, 90, 90]}])
    server.add_rule(has_schema=True, text=full[: full.index("[60")], finish_reason="MAX_TOKENS")
    server.add_rule(has_schema=False, text="A caption that was cut", finish_reason="MAX_TOKENS")
    detector = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[photo.parent])
    message = detector.invoke(call(detector.name, image=str(photo), target="things"))
    assert message.status == "success" and message.artifact["truncated"] is True
    assert message.content.startswith("1 object") and "cut off" in message.content
    captioner = GeminiImageCaptionTool(llm=llm, allowed_dirs=[photo.parent])
    message = captioner.invoke(call(captioner.name, images=[str(photo)]))
    assert message.content.startswith("A caption that was cut")
    assert "cut off at Gemini's output token limit" in message.content
