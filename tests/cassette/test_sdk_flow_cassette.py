"""The raw SDK path every capability relies on, replayed from a cassette."""

from __future__ import annotations

import io

import pytest
from langchain_core.messages import HumanMessage

from langchain_gemini_vision._core.client import genai_client
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png

from .conftest import CassetteBackend


@pytest.mark.cassette
@pytest.mark.vcr
def test_upload_get_generate_delete(cassette_backend: CassetteBackend) -> None:
    def script(server: FakeGeminiServer) -> None:
        server.add_rule(has_media="image/", text="A small blue square with a red mark.")

    cassette_backend.script(script)
    llm = cassette_backend.llm
    client = genai_client(llm)
    uploaded = client.files.upload(
        file=io.BytesIO(make_png(64, 64)),
        config={"mime_type": "image/png", "display_name": "lcgv-cassette-sample"},
    )
    assert uploaded.name and uploaded.name.startswith("files/")
    fetched = client.files.get(name=uploaded.name)
    assert fetched.state is not None and fetched.state.name == "ACTIVE"
    assert fetched.size_bytes and fetched.size_bytes > 0
    message = HumanMessage(
        content=[
            {"type": "media", "file_uri": fetched.uri, "mime_type": "image/png"},
            {"type": "text", "text": "Describe this image in one sentence."},
        ]
    )
    reply = llm.invoke([message])
    assert isinstance(reply.content, (str, list)) and reply.text.strip()
    assert reply.usage_metadata is not None and reply.usage_metadata["input_tokens"] > 0
    client.files.delete(name=uploaded.name)
