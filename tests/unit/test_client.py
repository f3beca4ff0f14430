import os
import subprocess
import sys

import pytest

from langchain_gemini_vision._core.client import DEFAULT_MODEL, build_llm, resolve_llm
from langchain_gemini_vision.errors import ConfigurationError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "GOOGLE_API_KEY",
        "GEMINI_API_KEY",
        "GEMINI_VISION_MODEL",
        "GEMINI_VISION_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)


def test_missing_key_names_both_variables() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_llm(None)
    assert "GOOGLE_API_KEY" in str(info.value) and "GEMINI_API_KEY" in str(info.value)


def test_import_and_public_names_need_no_key() -> None:
    # A fresh interpreter with no key in its environment (reloading the package in-process would
    # replace its classes under every other test's feet).
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "GEMINI_API_KEY")}
    code = (
        "import langchain_gemini_vision as p; "
        "missing = [n for n in p.__all__ if not hasattr(p, n)]; "
        "print(len(p.__all__), missing)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    count, missing = done.stdout.split(" ", 1)
    assert int(count) > 10 and missing.strip() == "[]"


def test_key_model_and_version_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "second-choice-key")
    llm = build_llm()
    assert llm.google_api_key is not None
    assert llm.google_api_key.get_secret_value() == "second-choice-key"
    assert llm.model.endswith(DEFAULT_MODEL)
    assert llm.api_version == "v1beta"
    monkeypatch.setenv("GOOGLE_API_KEY", "first-choice-key")
    monkeypatch.setenv("GEMINI_VISION_MODEL", "gemini-2.5-flash")
    llm = build_llm()
    assert llm.google_api_key is not None
    assert llm.google_api_key.get_secret_value() == "first-choice-key"
    assert llm.model.endswith("gemini-2.5-flash")


def test_key_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "AIzaSECRETSECRETSECRET")
    llm = build_llm()
    assert "AIzaSECRETSECRETSECRET" not in repr(llm)
    assert "AIzaSECRETSECRETSECRET" not in str(llm.model_dump())


def test_given_llm_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    llm = build_llm(api_key="explicit")
    assert resolve_llm(llm) is llm


def test_environment_model_is_built_once_and_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "env-key-one")
    first = resolve_llm(None)
    assert resolve_llm(None) is first  # one client and connection pool for every call
    monkeypatch.setenv("GOOGLE_API_KEY", "env-key-two")
    rotated = resolve_llm(None)
    assert rotated is not first
    assert rotated.google_api_key is not None
    assert rotated.google_api_key.get_secret_value() == "env-key-two"
    monkeypatch.setenv("GEMINI_VISION_MODEL", "gemini-2.5-flash")
    assert resolve_llm(None).model.endswith("gemini-2.5-flash")
