"""FakeGeminiServer driven by the real google-genai SDK, ChatGoogleGenerativeAI and raw httpx.

The raw-JSON assertions pin the wire format of GEMINI-FACTS.md field for field, so code tested
against the fake also works against the live API.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import re
import socket
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image
from pydantic import BaseModel

from langchain_gemini_vision.testing import (
    DEFAULT_TEXT,
    FakeGeminiServer,
    GenerateRequest,
    Reply,
)
from langchain_gemini_vision.testing._wire import parse_time

KEY_HEADER = "x-goog-api-key"
FILE_FIELD_ORDER = [
    "name",
    "displayName",
    "mimeType",
    "sizeBytes",
    "createTime",
    "updateTime",
    "expirationTime",
    "sha256Hash",
    "uri",
    "state",
    "source",
    "videoMetadata",
    "error",
]
MICROS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
NANOS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
FAST_RETRY = types.HttpRetryOptions(attempts=2, initial_delay=0.01, max_delay=0.01, jitter=0)


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def raw(server: FakeGeminiServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={KEY_HEADER: server.api_key}, timeout=10)


def assert_file_shape(resource: dict[str, Any]) -> None:
    keys = list(resource)
    assert keys == [k for k in FILE_FIELD_ORDER if k in keys], keys
    assert re.fullmatch(r"files/[a-z0-9]{12}", resource["name"])
    assert isinstance(resource["sizeBytes"], str)
    assert MICROS_RE.match(resource["createTime"])
    assert MICROS_RE.match(resource["updateTime"])
    assert NANOS_RE.match(resource["expirationTime"])
    created = parse_time(resource["createTime"])
    assert parse_time(resource["expirationTime"]) == created + timedelta(hours=48)
    file_id = resource["name"].split("/")[1]
    assert resource["uri"] == f"https://generativelanguage.googleapis.com/v1beta/files/{file_id}"
    assert resource["source"] == "UPLOADED"


def last(server: FakeGeminiServer, path_part: str) -> Any:
    return [r for r in server.requests if path_part in r.path][-1]


# --------------------------------------------------------------------------- uploads


def test_upload_from_bytes_matches_wire_format(fake_server: FakeGeminiServer) -> None:
    data = png_bytes()
    file = fake_server.client().files.upload(
        file=io.BytesIO(data), config={"mime_type": "image/png"}
    )

    start, chunk = fake_server.requests
    assert start.json == {"file": {"mime_type": "image/png", "size_bytes": len(data)}}
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.response_json is None
    upload_url = start.response_headers["x-goog-upload-url"]
    assert upload_url.startswith(f"{fake_server.url}/upload/v1beta/files?upload_id=")
    assert upload_url.endswith("&upload_protocol=resumable")
    assert start.response_headers["x-goog-upload-status"] == "active"
    assert start.response_headers["x-goog-upload-chunk-granularity"] == "8388608"
    assert start.response_headers["content-type"].startswith("text/plain")

    assert KEY_HEADER not in chunk.headers  # chunks carry no key
    assert chunk.headers["x-goog-upload-command"] == "upload, finalize"
    assert chunk.response_headers["x-goog-upload-status"] == "final"
    resource = chunk.response_json["file"]  # finalize answers wrapped
    assert list(chunk.response_json) == ["file"]
    assert_file_shape(resource)
    assert "displayName" not in resource  # unset fields are left out
    assert resource["sizeBytes"] == str(len(data))
    hex_digest = hashlib.sha256(data).hexdigest()
    assert resource["sha256Hash"] == base64.b64encode(hex_digest.encode()).decode()
    assert base64.b64decode(resource["sha256Hash"]).decode() == hex_digest
    assert resource["state"] == "ACTIVE"

    assert file.name == resource["name"]
    assert file.size_bytes == len(data)
    assert file.state == types.FileState.ACTIVE
    assert fake_server.upload_bytes_received == len(data)


def test_upload_from_path_with_display_name(fake_server: FakeGeminiServer, tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(20, 10))
    file = fake_server.client().files.upload(file=path, config={"display_name": "My photo"})
    assert file.display_name == "My photo"
    assert file.mime_type == "image/png"  # guessed by the SDK from the suffix
    record = fake_server.files[file.name or ""]
    assert record.display_name == "My photo"
    assert record.head == path.read_bytes()  # small files are kept whole (keep_bytes_up_to)
    resource = last(fake_server, "/upload/").response_json["file"]
    assert list(resource)[:3] == ["name", "displayName", "mimeType"]


def test_upload_over_8_mib_uses_two_chunks() -> None:
    size = 9 * 1024 * 1024
    with FakeGeminiServer(keep_bytes_up_to=16) as server:
        file = server.client().files.upload(
            file=io.BytesIO(bytes(size)), config={"mime_type": "application/pdf"}
        )
        chunks = [r for r in server.requests if "upload_id" in r.query]
        assert [c.headers["x-goog-upload-offset"] for c in chunks] == ["0", "8388608"]
        assert [c.headers["x-goog-upload-command"] for c in chunks] == [
            "upload",
            "upload, finalize",
        ]
        assert [c.body_size for c in chunks] == [8388608, size - 8388608]
        assert chunks[0].response_headers["x-goog-upload-status"] == "active"
        assert server.upload_bytes_received == size
        record = server.files[file.name or ""]
        assert record.size_bytes == size
        assert record.sha256_hex == hashlib.sha256(bytes(size)).hexdigest()
        assert record.head == bytes(16)  # only the configured prefix is kept in memory
        assert server.upload_sessions == {}


def test_upload_rejects_a_wrong_offset(fake_server: FakeGeminiServer) -> None:
    with raw(fake_server) as http:
        start = http.post(
            "/upload/v1beta/files",
            headers={
                "X-Goog-Upload-Protocol": "resumable",
                "X-Goog-Upload-Command": "start",
                "X-Goog-Upload-Header-Content-Length": "4",
                "X-Goog-Upload-Header-Content-Type": "text/plain",
            },
            json={"file": {"displayName": "notes"}},
        )
        assert start.status_code == 200 and start.text == ""
        url = start.headers["x-goog-upload-url"]
        bad = httpx.post(
            url,
            content=b"abcd",
            headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "2"},
        )
        assert bad.status_code == 400
        assert bad.headers["x-goog-upload-status"] == "final"
        assert bad.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_upload_is_async_too(fake_server: FakeGeminiServer) -> None:
    async def go() -> types.File:
        return await fake_server.client().aio.files.upload(
            file=io.BytesIO(b"RIFF...."), config={"mime_type": "audio/wav"}
        )

    file = asyncio.run(go())
    assert file.state == types.FileState.ACTIVE  # audio is ACTIVE at once


# --------------------------------------------------------------------------- files


def test_files_get_is_not_wrapped(fake_server: FakeGeminiServer) -> None:
    seeded = fake_server.add_file(data=png_bytes(), display_name="seed")
    with raw(fake_server) as http:
        response = http.get(f"/v1beta/{seeded.name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["name"] == seeded.name
    assert_file_shape(body)
    assert body["displayName"] == "seed"


def test_video_polls_through_processing_to_active() -> None:
    with FakeGeminiServer(processing_polls=2, video_duration_s=596) as server:
        client = server.client()
        file = client.files.upload(file=io.BytesIO(b"\0" * 2048), config={"mime_type": "video/mp4"})
        assert file.state == types.FileState.PROCESSING
        assert file.video_metadata is None
        name = file.name or ""
        states = [client.files.get(name=name).state for _ in range(3)]
        assert states == [types.FileState.PROCESSING] * 2 + [types.FileState.ACTIVE]
        active = client.files.get(name=name)
        assert active.video_metadata == {"videoDuration": "596s"}
        resource = last(server, "/v1beta/files/").response_json
        assert list(resource)[-1] == "videoMetadata"
        assert parse_time(resource["updateTime"]) >= parse_time(resource["createTime"])


def test_video_without_config_is_processing_only_in_the_finalize_answer(
    fake_server: FakeGeminiServer,
) -> None:
    client = fake_server.client()
    file = client.files.upload(file=io.BytesIO(b"\0" * 500_000), config={"mime_type": "video/mp4"})
    assert file.state == types.FileState.PROCESSING
    again = client.files.get(name=file.name or "")
    assert again.state == types.FileState.ACTIVE
    assert again.video_metadata == {"videoDuration": "2s"}  # estimated from the size


def test_processing_seconds_follow_the_injected_clock() -> None:
    clock = [datetime(2025, 1, 1, tzinfo=timezone.utc)]
    with FakeGeminiServer(processing_seconds=30) as server:
        server.now = lambda: clock[0]
        client = server.client()
        file = client.files.upload(file=io.BytesIO(b"\0" * 10), config={"mime_type": "video/webm"})
        name = file.name or ""
        assert client.files.get(name=name).state == types.FileState.PROCESSING
        clock[0] += timedelta(seconds=29)
        assert client.files.get(name=name).state == types.FileState.PROCESSING
        clock[0] += timedelta(seconds=1)
        active = client.files.get(name=name)
        assert active.state == types.FileState.ACTIVE
        assert active.update_time == clock[0]
        assert active.create_time == datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_failed_processing_carries_the_message() -> None:
    with FakeGeminiServer(fail_processing="Video codec not supported.") as server:
        client = server.client()
        file = client.files.upload(file=io.BytesIO(b"\0" * 10), config={"mime_type": "video/mp4"})
        failed = client.files.get(name=file.name or "")
        assert failed.state == types.FileState.FAILED
        assert failed.error is not None
        assert failed.error.message == "Video codec not supported."
        resource = last(server, "/v1beta/files/").response_json
        assert resource["error"] == {"code": 3, "message": "Video codec not supported."}
        assert "videoMetadata" not in resource


def test_list_pages_and_empty_list(fake_server: FakeGeminiServer) -> None:
    with raw(fake_server) as http:
        assert http.get("/v1beta/files").json() == {}
    now = fake_server.now()
    for i in range(5):
        fake_server.add_file(data=bytes([i]), create_time=now - timedelta(minutes=5 - i))
    client = fake_server.client()
    names = [f.name for f in client.files.list(config={"page_size": 2})]
    assert len(names) == 5 and len(set(names)) == 5
    pages = [r for r in fake_server.requests if r.path == "/v1beta/files"][1:]
    assert [len(p.response_json.get("files", [])) for p in pages] == [2, 2, 1]
    assert "nextPageToken" in pages[0].response_json
    assert "nextPageToken" not in pages[-1].response_json
    assert pages[1].query["pageToken"] == pages[0].response_json["nextPageToken"]
    # Newest first.
    created = [fake_server.files[n or ""].create_time for n in names]
    assert created == sorted(created, reverse=True)


def test_delete_then_get_is_permission_denied(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    name = fake_server.add_file(data=b"x").name
    client.files.delete(name=name)
    delete = last(fake_server, name.split("/")[1])
    assert (delete.method, delete.status, delete.response_json) == ("DELETE", 200, {})
    with pytest.raises(genai_errors.ClientError) as caught:
        client.files.get(name=name)
    assert caught.value.code == 403
    assert caught.value.status == "PERMISSION_DENIED"
    assert "or it may not exist" in (caught.value.message or "")


def test_missing_foreign_and_expired_files(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    foreign = fake_server.add_file(data=b"f")
    fake_server.mark_foreign(foreign.name)
    expired = fake_server.add_file(data=b"e", create_time=fake_server.now() - timedelta(hours=49))
    for name in (foreign.name, expired.name, "files/doesnotexist"):
        with pytest.raises(genai_errors.ClientError) as caught:
            client.files.get(name=name)
        assert caught.value.code == 403
    assert list(client.files.list()) == []
    fake_server.missing_file_status = 404
    with pytest.raises(genai_errors.ClientError) as caught:
        client.files.get(name="files/doesnotexist")
    assert caught.value.code == 404


def test_set_file_state_schedules_transitions(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    record = fake_server.add_file(mime_type="video/mp4", data=b"v", state="PROCESSING")
    assert client.files.get(name=record.name).state == types.FileState.PROCESSING
    fake_server.set_file_state(record.name, "PROCESSING", then="FAILED", polls=1, error_message="x")
    assert client.files.get(name=record.name).state == types.FileState.PROCESSING
    failed = client.files.get(name=record.name)
    assert failed.state == types.FileState.FAILED and failed.error is not None
    assert failed.error.message == "x"
    fake_server.set_file_state(record.name, "ACTIVE")
    assert client.files.get(name=record.name).state == types.FileState.ACTIVE


# --------------------------------------------------------------------------- generateContent


def test_generate_sync_async_and_stream_with_the_sdk(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(prompt_contains="capital", text="Paris is the capital of France.")
    client = fake_server.client()
    sync = client.models.generate_content(model="gemini-3.5-flash", contents="The CAPITAL?")
    assert sync.text == "Paris is the capital of France."
    assert sync.candidates and sync.candidates[0].finish_reason == types.FinishReason.STOP

    async def run_async() -> tuple[str | None, str]:
        aio = await client.aio.models.generate_content(
            model="gemini-3.5-flash", contents="capital?"
        )
        streamed = ""
        async for chunk in await client.aio.models.generate_content_stream(
            model="gemini-3.5-flash", contents="capital?"
        ):
            streamed += chunk.text or ""
        return aio.text, streamed

    aio_text, streamed = asyncio.run(run_async())
    assert aio_text == streamed == "Paris is the capital of France."
    chunks = list(client.models.generate_content_stream(model="gemini-2.5-pro", contents="capital"))
    assert len(chunks) > 1
    assert "".join(c.text or "" for c in chunks) == "Paris is the capital of France."
    assert chunks[-1].candidates and chunks[-1].candidates[0].finish_reason == "STOP"


def test_langchain_invoke_ainvoke_and_stream(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(text="Hello from the fake.")
    llm = fake_server.llm()
    message = llm.invoke("hi")
    assert message.text == "Hello from the fake."
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_tokens"] == 5

    async def run() -> str:
        got = await llm.ainvoke("hi")
        streamed = "".join([c.text async for c in llm.astream("hi")])
        return got.text + "|" + streamed

    assert asyncio.run(run()) == "Hello from the fake.|Hello from the fake."
    assert "".join(c.text for c in llm.stream("hi")) == "Hello from the fake."
    request = fake_server.requests[0]
    assert request.path == "/v1beta/models/gemini-3.5-flash:generateContent"
    assert request.headers[KEY_HEADER] == "REDACTED"


def test_langchain_media_block_with_video_metadata() -> None:
    with FakeGeminiServer(video_duration_s=60) as server:
        llm = server.llm()
        uploaded = llm.client.files.upload(
            file=io.BytesIO(b"\0" * 100), config={"mime_type": "video/mp4"}
        )
        video = llm.client.files.get(name=uploaded.name or "")
        assert video.state == types.FileState.ACTIVE
        server.add_rule(has_media="video/", text="[00:10] hello")
        block = {
            "type": "media",
            "file_uri": video.uri,
            "mime_type": "video/mp4",
            "video_metadata": {"start_offset": "10s", "end_offset": "20s"},
        }
        message = llm.invoke(
            [{"role": "user", "content": [block, {"type": "text", "text": "Transcribe"}]}],
            media_resolution="MEDIA_RESOLUTION_LOW",
        )
        assert message.text == "[00:10] hello"
        (request,) = server.generate_requests()
        assert request.media[0].video_metadata == {"startOffset": "10s", "endOffset": "20s"}
        assert request.generation_config["mediaResolution"] == "MEDIA_RESOLUTION_LOW"
        # 10 s at 1 fps x 66 tokens (low resolution) + 32 audio tokens/s + 3 text tokens.
        assert message.usage_metadata is not None
        assert message.usage_metadata["input_tokens"] == 660 + 320 + 3


def test_raw_generate_response_shape(fake_server: FakeGeminiServer) -> None:
    with raw(fake_server) as http:
        response = http.post(
            "/v1beta/models/gemini-2.0-flash:generateContent",
            json={"contents": [{"role": "user", "parts": [{"text": "x" * 40}]}]},
        )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["candidates", "usageMetadata", "modelVersion", "responseId"]
    assert body["candidates"] == [
        {
            "content": {"parts": [{"text": DEFAULT_TEXT}], "role": "model"},
            "finishReason": "STOP",
            "index": 0,
        }
    ]
    usage = body["usageMetadata"]
    assert list(usage) == [
        "promptTokenCount",
        "candidatesTokenCount",
        "totalTokenCount",
        "promptTokensDetails",
    ]
    assert usage["promptTokenCount"] == 10
    assert usage["totalTokenCount"] == 10 + usage["candidatesTokenCount"]
    assert usage["promptTokensDetails"] == [{"modality": "TEXT", "tokenCount": 10}]
    assert body["modelVersion"] == "gemini-3.5-flash"
    assert isinstance(body["responseId"], str) and body["responseId"]


def test_raw_sse_stream_framing(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(text="one two three four five six seven")
    with (
        raw(fake_server) as http,
        http.stream(
            "POST",
            "/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse",
            json={"contents": [{"parts": [{"text": "go"}]}]},
        ) as response,
    ):
        assert response.headers["content-type"] == "text/event-stream"
        assert response.headers["transfer-encoding"] == "chunked"
        payload = response.read().decode()
    events = payload.split("\r\n\r\n")
    assert events[-1] == ""
    parsed = [json.loads(e.removeprefix("data: ")) for e in events[:-1]]
    assert all(e.startswith("data: {") for e in events[:-1])
    assert "".join(p["candidates"][0]["content"]["parts"][0]["text"] for p in parsed) == (
        "one two three four five six seven"
    )
    assert "finishReason" not in parsed[0]["candidates"][0]
    assert parsed[-1]["candidates"][0]["finishReason"] == "STOP"
    assert len({p["responseId"] for p in parsed}) == 1


def test_rules_order_times_and_conditions(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()

    def ask(*contents: Any, **config: Any) -> str:
        response = client.models.generate_content(
            model="gemini-3.5-flash", contents=list(contents), config=config or None
        )
        return response.text or ""

    fake_server.add_rule(text="catch-all")
    once = fake_server.add_rule(prompt_contains="detect", text="first", times=1)
    fake_server.add_rule(has_media="image/", json={"ok": True})
    fake_server.add_rule(has_media="youtube", text="a video")
    fake_server.add_rule(has_schema=True, handler=lambda req: {"echo": req.text})

    assert ask("Detect things") == "first"  # newest matching rule answers
    assert ask("Detect things") == "catch-all"  # `times` used up
    assert once.calls == 1 and once.remaining == 0
    image = types.Part.from_bytes(data=png_bytes(), mime_type="image/png")
    assert json.loads(ask(image, "what is it")) == {"ok": True}
    youtube = types.Part(
        file_data=types.FileData(file_uri="https://www.youtube.com/watch?v=9hE5-98ZeCg")
    )
    assert ask(youtube, "summarize") == "a video"
    schema = {"type": "object", "properties": {"echo": {"type": "string"}}}
    answer = ask("ping", response_mime_type="application/json", response_json_schema=schema)
    assert json.loads(answer) == {"echo": "ping"}


def test_handler_reply_controls_errors_and_finish(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    fake_server.add_rule(prompt_contains="bad", handler=lambda _: Reply(error_status=400))
    fake_server.add_rule(prompt_contains="long", text="trunc", finish_reason="MAX_TOKENS")
    fake_server.add_rule(prompt_contains="unsafe", block_reason="SAFETY")
    fake_server.add_rule(prompt_contains="boom", handler=lambda _: 1 / 0)
    with pytest.raises(genai_errors.ClientError) as caught:
        client.models.generate_content(model="gemini-3.5-flash", contents="bad")
    assert caught.value.code == 400
    long = client.models.generate_content(model="gemini-3.5-flash", contents="long")
    assert long.candidates and long.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    blocked = client.models.generate_content(model="gemini-3.5-flash", contents="unsafe")
    assert blocked.candidates is None
    assert blocked.prompt_feedback and blocked.prompt_feedback.block_reason == "SAFETY"
    assert "candidates" not in fake_server.requests[-1].response_json
    with pytest.raises(genai_errors.ServerError):
        client.models.generate_content(model="gemini-3.5-flash", contents="boom")
    assert isinstance(fake_server.handler_errors[0], ZeroDivisionError)


def test_structured_output_default_answer_fits_the_schema(fake_server: FakeGeminiServer) -> None:
    class Box(BaseModel):
        label: str
        box_2d: list[int]

    class Boxes(BaseModel):
        boxes: list[Box]
        count: int

    structured = fake_server.llm().with_structured_output(Boxes, method="json_schema")
    result = structured.invoke("find the cat")
    assert result == Boxes(boxes=[], count=0)
    (request,) = fake_server.generate_requests()
    assert request.response_mime_type == "application/json"
    assert request.response_schema is not None
    assert request.response_schema["properties"]["boxes"]["type"] == "array"


def test_generate_request_exposes_media_and_video_metadata(
    fake_server: FakeGeminiServer,
) -> None:
    video = fake_server.add_file(mime_type="video/mp4", data=b"\0" * 100, video_duration_s=60)
    part = types.Part(
        file_data=types.FileData(file_uri=video.uri, mime_type="video/mp4"),
        video_metadata=types.VideoMetadata(start_offset="10s", end_offset="90s", fps=2),
    )
    image = png_bytes(1000, 500)
    response = fake_server.client().models.generate_content(
        model="gemini-2.0-flash",
        contents=[part, types.Part.from_bytes(data=image, mime_type="image/png"), "Describe"],
    )
    (request,) = fake_server.generate_requests()
    assert isinstance(request, GenerateRequest)
    assert request.text == "Describe"
    video_part, image_part = request.media
    assert video_part.file_name == video.name and video_part.source == "file"
    assert video_part.video_metadata == {"startOffset": "10s", "endOffset": "90s", "fps": 2}
    assert image_part.data == image and image_part.image_size == (1000, 500)
    # endOffset past the end is cut to the 60 s length: 50 s at 2 fps, 32 audio tokens/s.
    usage = response.usage_metadata
    assert usage is not None and usage.prompt_tokens_details is not None
    by_modality = {
        d.modality.value: d.token_count for d in usage.prompt_tokens_details if d.modality
    }
    assert by_modality == {"TEXT": 2, "VIDEO": 100 * 258, "AUDIO": 50 * 32, "IMAGE": 2 * 258}


def test_image_tokens_follow_media_resolution_on_gemini_3(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    image = types.Part.from_bytes(data=png_bytes(), mime_type="image/png")
    default = client.models.generate_content(model="gemini-3.5-flash", contents=[image])
    low = client.models.generate_content(
        model="gemini-3.5-flash",
        contents=[image],
        config={"media_resolution": "MEDIA_RESOLUTION_LOW"},
    )
    assert default.usage_metadata and default.usage_metadata.prompt_token_count == 1120
    assert low.usage_metadata and low.usage_metadata.prompt_token_count == 280
    counted = client.models.count_tokens(model="gemini-2.0-flash", contents=[image, "hi"])
    assert counted.total_tokens == 258 + 1


def test_processing_file_is_a_failed_precondition() -> None:
    with FakeGeminiServer(processing_polls=5) as server:
        client = server.client()
        file = client.files.upload(file=io.BytesIO(b"\0" * 10), config={"mime_type": "video/mp4"})
        with pytest.raises(genai_errors.ClientError) as caught:
            client.models.generate_content(model="gemini-3.5-flash", contents=[file, "describe"])
        error = caught.value
        assert (error.code, error.status) == (400, "FAILED_PRECONDITION")
        file_id = (file.name or "").split("/")[1]
        assert error.message == (
            f"The File {file_id} is not in an ACTIVE state and usage is not allowed."
        )
        assert "details" not in error.details["error"]

        llm = server.llm()
        block = {"type": "media", "file_uri": file.uri, "mime_type": "video/mp4"}
        with pytest.raises(Exception) as lc_caught:
            llm.invoke([{"role": "user", "content": [block, {"type": "text", "text": "x"}]}])
        assert isinstance(lc_caught.value.__cause__, genai_errors.ClientError)


def test_unknown_file_in_generate_is_permission_denied(fake_server: FakeGeminiServer) -> None:
    part = types.Part.from_uri(
        file_uri="https://generativelanguage.googleapis.com/v1beta/files/abc123abc123",
        mime_type="image/png",
    )
    with pytest.raises(genai_errors.ClientError) as caught:
        fake_server.client().models.generate_content(model="gemini-3.5-flash", contents=[part])
    assert (caught.value.code, caught.value.status) == (403, "PERMISSION_DENIED")


def test_local_file_uri_is_accepted_too(fake_server: FakeGeminiServer) -> None:
    record = fake_server.add_file(data=png_bytes())
    # No mimeType: the server takes the stored file's.
    part = types.Part(file_data=types.FileData(file_uri=f"{fake_server.url}/v1beta/{record.name}"))
    response = fake_server.client().models.generate_content(
        model="gemini-3.5-flash", contents=[part, "x"]
    )
    assert response.text == DEFAULT_TEXT
    assert fake_server.generate_requests()[0].media[0].mime_type == "image/png"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"contents": [{"parts": [{"text": "x"}]}], "foo": 1}, 'Unknown name "foo"'),
        ({"contents": [{"parts": [{"txt": "x"}]}]}, "at 'contents[0].parts[0]'"),
        ({"contents": []}, "contents is not specified"),
        ({"contents": [{"parts": [{"videoMetadata": {}}]}]}, "required oneof field 'data'"),
        ({"contents": [{"role": "bot", "parts": [{"text": "x"}]}]}, "valid role"),
        (
            {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "!!"}}]}]},
            "Base64 decoding failed",
        ),
        (
            {
                "contents": [
                    {
                        "parts": [
                            {
                                "fileData": {"fileUri": "https://youtu.be/x"},
                                "videoMetadata": {"startOffset": "1m"},
                            }
                        ]
                    }
                ]
            },
            "Illegal duration format",
        ),
    ],
)
def test_invalid_requests_are_rejected_like_the_api(
    fake_server: FakeGeminiServer, body: dict[str, Any], message: str
) -> None:
    with raw(fake_server) as http:
        response = http.post("/v1beta/models/gemini-3.5-flash:generateContent", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert message in error["message"]


def test_every_field_the_sdk_sends_is_accepted(fake_server: FakeGeminiServer) -> None:
    config = types.GenerateContentConfig(
        system_instruction="Be brief.",
        temperature=0.1,
        top_p=0.9,
        top_k=3,
        max_output_tokens=50,
        stop_sequences=["END"],
        response_mime_type="application/json",
        response_json_schema={"type": "object", "properties": {"a": {"type": "string"}}},
        safety_settings=[
            types.SafetySetting(
                category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                threshold=types.HarmBlockThreshold.BLOCK_NONE,
            )
        ],
        media_resolution=types.MediaResolution.MEDIA_RESOLUTION_LOW,
        thinking_config=types.ThinkingConfig(thinking_budget=0),
        labels={"team": "vision"},
        # cached_content is covered in tests/batch: with a cache, systemInstruction is a 400.
        seed=7,
    )
    response = fake_server.client().models.generate_content(
        model="gemini-2.5-flash", contents="hi", config=config
    )
    assert json.loads(response.text or "") == {"a": ""}
    (request,) = fake_server.generate_requests()
    assert request.system_instruction == "Be brief."
    assert set(request.body) >= {
        "contents",
        "systemInstruction",
        "generationConfig",
        "safetySettings",
        "labels",
    }


def test_unknown_models(fake_server: FakeGeminiServer) -> None:
    client = fake_server.client()
    fake_server.unknown_models.add("gemini-9-ultra")
    for model in ("gemini-9-ultra", "gpt-4o"):
        with pytest.raises(genai_errors.ClientError) as caught:
            client.models.generate_content(model=model, contents="x")
        assert caught.value.code == 404
        assert caught.value.message == (
            f"models/{model} is not found for API version v1beta, or is not supported for "
            "generateContent. Call ListModels to see the list of available models and their "
            "supported methods."
        )


# --------------------------------------------------------------------------- auth and log


def test_wrong_and_missing_key(fake_server: FakeGeminiServer) -> None:
    bad_client = genai.Client(
        api_key="wrong-key",
        http_options=types.HttpOptions(base_url=fake_server.url, api_version="v1beta"),
    )
    with pytest.raises(genai_errors.ClientError) as caught:
        bad_client.models.generate_content(model="gemini-3.5-flash", contents="x")
    error = caught.value
    assert (error.code, error.status) == (400, "INVALID_ARGUMENT")
    assert error.message == "API key not valid. Please pass a valid API key."
    assert error.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    response = httpx.get(f"{fake_server.url}/v1beta/files")
    assert response.status_code == 403
    assert response.json()["error"]["status"] == "PERMISSION_DENIED"
    ok = httpx.get(f"{fake_server.url}/v1beta/files?key={fake_server.api_key}")
    assert ok.status_code == 200
    assert fake_server.requests[-1].query == {"key": "REDACTED"}


def test_request_log_redacts_the_key_everywhere(fake_server: FakeGeminiServer) -> None:
    fake_server.client().models.generate_content(model="gemini-3.5-flash", contents="x")
    fake_server.llm().invoke("y")
    assert len(fake_server.requests) == 2
    for entry in fake_server.requests:
        assert entry.headers[KEY_HEADER] == "REDACTED"
        assert fake_server.api_key not in repr(entry)
        assert entry.status == 200 and entry.body_size > 0
    assert [r.text for r in fake_server.generate_requests()] == ["x", "y"]
    fake_server.clear_log()
    assert fake_server.requests == [] and fake_server.generate_requests() == []


# --------------------------------------------------------------------------- faults


def test_429_carries_quota_and_retry_info(fake_server: FakeGeminiServer) -> None:
    fault = fake_server.inject_fault(429, retry_delay_s=22.5, path_contains=":generateContent")
    client = fake_server.client()
    with pytest.raises(genai_errors.ClientError) as caught:
        client.models.generate_content(model="gemini-3.5-flash", contents="x")
    error = caught.value
    assert (error.code, error.status) == (429, "RESOURCE_EXHAUSTED")
    assert error.message and error.message.endswith("Please retry in 22.5s.")
    details = {d["@type"].rsplit(".", 1)[-1]: d for d in error.details["error"]["details"]}
    assert details["RetryInfo"]["retryDelay"] == "22.5s"
    violation = details["QuotaFailure"]["violations"][0]
    assert violation["quotaId"] == "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
    assert fault.used == 1
    assert client.models.generate_content(model="gemini-3.5-flash", contents="x").text


def test_503_then_success_through_langchain_retries(fake_server: FakeGeminiServer) -> None:
    fake_server.inject_fault(503, path_contains=":generateContent")
    llm = fake_server.llm()  # max_retries=2: one retry (after tenacity's ~1 s backoff)
    assert llm.invoke("hello").text == DEFAULT_TEXT
    statuses = [r.status for r in fake_server.requests]
    assert statuses == [503, 200]
    assert fake_server.requests[0].response_json["error"] == {
        "code": 503,
        "message": "The model is overloaded. Please try again later.",
        "status": "UNAVAILABLE",
    }


def test_500_and_filtered_faults(fake_server: FakeGeminiServer) -> None:
    fake_server.inject_fault(500, method="GET", path_contains="/files")
    client = fake_server.client()
    client.models.generate_content(model="gemini-3.5-flash", contents="x")  # not matched
    with pytest.raises(genai_errors.ServerError) as caught:
        client.files.list(config={"page_size": 1})
    assert (caught.value.code, caught.value.status) == (500, "INTERNAL")
    assert "An internal error has occurred" in (caught.value.message or "")


def test_fault_on_upload_chunk_fails_fast(fake_server: FakeGeminiServer) -> None:
    fake_server.inject_fault(503, path_contains="upload_id=")
    with pytest.raises(genai_errors.ServerError):
        fake_server.client().files.upload(
            file=io.BytesIO(b"abc"), config={"mime_type": "text/plain"}
        )
    chunk_requests = [r for r in fake_server.requests if "upload_id" in r.query]
    assert len(chunk_requests) == 1  # no SDK chunk re-send loop
    assert fake_server.files == {}


def test_dropped_connection_then_recovery(fake_server: FakeGeminiServer) -> None:
    fake_server.drop_connections(path_contains=":generateContent")
    client = fake_server.client()
    with pytest.raises(httpx2.RemoteProtocolError):  # the transport google-genai 3.6 uses
        client.models.generate_content(model="gemini-3.5-flash", contents="x")
    assert fake_server.requests[0].status is None
    assert client.models.generate_content(model="gemini-3.5-flash", contents="x").text


def test_retry_options_override_makes_langchain_retries_fast(
    fake_server: FakeGeminiServer,
) -> None:
    fake_server.inject_fault(500, times=1)
    message = fake_server.llm().invoke("x", http_options={"retry_options": FAST_RETRY})
    assert message.text == DEFAULT_TEXT
    # The per-call options replaced the model's own: one failed attempt, one retry, no more.
    assert [r.status for r in fake_server.requests] == [500, 200]


# --------------------------------------------------------------------------- concurrency


def test_a_slow_request_does_not_block_other_requests() -> None:
    with FakeGeminiServer() as server:
        arrived, release = threading.Event(), threading.Event()

        def slow(_request: GenerateRequest) -> str:
            arrived.set()
            release.wait(timeout=10)  # a serial server would hold "fast" behind this wait
            return "slow"

        server.add_rule(prompt_contains="slow", handler=slow)
        client = server.client()
        finished: list[str] = []

        def call(prompt: str) -> None:
            client.models.generate_content(model="gemini-3.5-flash", contents=prompt)
            finished.append(prompt)

        slow_call = threading.Thread(target=call, args=("slow",))
        slow_call.start()
        assert arrived.wait(timeout=10)
        call("fast")
        assert finished == ["fast"]  # answered while "slow" is still being handled
        release.set()
        slow_call.join()
        assert finished == ["fast", "slow"]


async def test_async_context_manager_and_concurrent_calls() -> None:
    calls = 8
    # Every handler waits until all eight are in flight: only a concurrent server gets past it.
    together = threading.Barrier(calls, timeout=10)

    def rendezvous(_request: GenerateRequest) -> str:
        together.wait()
        return DEFAULT_TEXT

    async with FakeGeminiServer() as server:
        server.add_rule(handler=rendezvous)
        client = server.client()
        results = await asyncio.gather(
            *(
                client.aio.models.generate_content(model="gemini-3.5-flash", contents=str(i))
                for i in range(calls)
            )
        )
        assert all(r.text == DEFAULT_TEXT for r in results)
        assert not together.broken
    with pytest.raises(RuntimeError):
        _ = server.url


def test_keep_alive_connections_are_reused_with_nagle_disabled(
    fake_server: FakeGeminiServer,
) -> None:
    # With Nagle on, each loopback call stalls ~40 ms on delayed ACKs (benchmarks/ measures the
    # speed); here: one reused connection, and TCP_NODELAY set on it.
    client = fake_server.client()
    for _ in range(10):
        client.models.generate_content(model="gemini-3.5-flash", contents="x")
    httpd = fake_server._httpd
    assert httpd is not None
    connections = list(httpd.connections)
    assert len(connections) == 1
    assert connections[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_v1_is_refused_so_the_package_keeps_v1beta(fake_server: FakeGeminiServer) -> None:
    with raw(fake_server) as http:
        response = http.post(
            "/v1/models/gemini-3.5-flash:generateContent",
            json={"contents": [{"parts": [{"text": "x"}]}]},
        )
    assert response.status_code == 404
    assert "v1beta" in response.json()["error"]["message"]
