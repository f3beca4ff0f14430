"""Model and client construction: the one place that reads the environment.

The File API and batch calls use ``llm.client`` (a ``google.genai.Client``). That client is
closed when its ``ChatGoogleGenerativeAI`` is garbage-collected, so every object that needs the
client keeps a reference to the *model*, never only to ``.client``.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from google import genai
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.validate import CONSTRUCTION, as_construction, check_text
from langchain_gemini_vision.errors import ConfigurationError

DEFAULT_MODEL = "gemini-3.5-flash"
API_KEY_VARS = ("GOOGLE_API_KEY", "GEMINI_API_KEY")
MODEL_VAR = "GEMINI_VISION_MODEL"
BASE_URL_VAR = "GEMINI_VISION_BASE_URL"
API_VERSION = "v1beta"


def api_key_from_env() -> str | None:
    """Return the first non-empty key among GOOGLE_API_KEY and GEMINI_API_KEY."""
    for var in API_KEY_VARS:
        value = os.environ.get(var, "").strip()
        if value:
            return value
    return None


def default_model_name() -> str:
    """The model to use when none is given: GEMINI_VISION_MODEL or a current Gemini Flash."""
    return os.environ.get(MODEL_VAR, "").strip() or DEFAULT_MODEL


def build_llm(
    model: str | None = None,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    **kwargs: Any,
) -> ChatGoogleGenerativeAI:
    """Build a ``ChatGoogleGenerativeAI`` configured for this package.

    Args:
        model: Model name; defaults to ``$GEMINI_VISION_MODEL`` or a current Gemini Flash.
        api_key: API key; defaults to ``$GOOGLE_API_KEY`` then ``$GEMINI_API_KEY``.
        base_url: API endpoint, e.g. a ``FakeGeminiServer``'s ``url``; defaults to
            ``$GEMINI_VISION_BASE_URL`` or Google's endpoint.
        **kwargs: Passed to ``ChatGoogleGenerativeAI`` (``temperature``, ``max_retries``, ...).

    Raises:
        ConfigurationError: No key was given and none is in the environment.
    """
    for name, value in (("model", model), ("api_key", api_key), ("base_url", base_url)):
        check_text(value, name, error=CONSTRUCTION)
    key = api_key or api_key_from_env()
    if not key:
        raise ConfigurationError(
            "No Gemini API key: set GOOGLE_API_KEY (or GEMINI_API_KEY) in the environment, "
            "or pass llm=ChatGoogleGenerativeAI(...) / api_key=... explicitly. "
            "Get a key at https://aistudio.google.com/apikey."
        )
    url = base_url or os.environ.get(BASE_URL_VAR, "").strip() or None
    options: dict[str, Any] = {"api_version": API_VERSION}
    if url:
        options["base_url"] = url
    options.update(kwargs)
    with as_construction("build_llm"):
        return ChatGoogleGenerativeAI(
            model=model or default_model_name(),
            google_api_key=key,
            **options,
        )


def resolve_llm(llm: ChatGoogleGenerativeAI | None) -> ChatGoogleGenerativeAI:
    """Return ``llm`` or, when it is None, the model configured by the environment.

    The environment's model is built once per (key, model, endpoint) and reused: building one
    per call costs a client, a connection pool and a TLS handshake every time.
    """
    if llm is not None:
        return llm
    return _env_llm(
        api_key_from_env(),
        default_model_name(),
        os.environ.get(BASE_URL_VAR, "").strip() or None,
    )


@functools.lru_cache(maxsize=8)
def _env_llm(key: str | None, model: str, url: str | None) -> ChatGoogleGenerativeAI:
    # The key is part of the cache key so that rotating it in the environment takes effect.
    return build_llm(model, api_key=key, base_url=url)


def genai_client(llm: ChatGoogleGenerativeAI) -> genai.Client:
    """The ``google.genai.Client`` inside ``llm`` (File API, batches).

    Callers must keep ``llm`` alive as long as they use the returned client.
    """
    client = llm.client
    if client is None:  # pragma: no cover - the model always builds one in its validator
        raise ConfigurationError("The ChatGoogleGenerativeAI model has no google.genai client.")
    return client


def model_name(llm: ChatGoogleGenerativeAI) -> str:
    """The bare model name (without a ``models/`` prefix)."""
    return str(llm.model).rsplit("/", 1)[-1]
