# Every target creates/updates the virtual environment in $(VENV) first, so each works on a fresh clone.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint record record-emulator demo examples bench bench-smoke clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# vcrpy is upgraded in a second step on purpose: langchain-tests 1.1.9 pins vcrpy<9, but only
# vcrpy>=9.4 patches httpx2, the transport google-genai 3.6 uses (docs/testing.md explains).
install: $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q "vcrpy>=9.4,<10"

# pytest exits 5 when it collects no test; that is not a failure of the suite itself.
test: install
	$(BIN)/pytest -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Re-record cassettes against the live API (needs GOOGLE_API_KEY). Overwrites cassettes/.
record: install
	@test -n "$$GOOGLE_API_KEY$$GEMINI_API_KEY" || { echo "set GOOGLE_API_KEY to record"; exit 2; }
	$(BIN)/pytest -q -m cassette --record-mode=rewrite

# Re-record cassettes from FakeGeminiServer instead (offline). cassettes/README.md must then say so.
record-emulator: install
	GEMINI_VISION_RECORD_TARGET=emulator $(BIN)/pytest -q -m cassette --record-mode=rewrite

# Offline without GOOGLE_API_KEY (a local emulator answers); live with it.
demo: install
	$(BIN)/gemini-vision demo

examples: install
	$(BIN)/python examples/agent.py
	$(BIN)/python examples/rag_video.py
	$(BIN)/python examples/lcel_detect_crop_caption.py

# Every row of the performance table beside its baseline (~5 min); writes docs/benchmarks.md.
# The chart needs the `bench` extra (matplotlib); without it the table is still written.
bench: install
	$(BIN)/pip install -q -e ".[bench]" || echo "matplotlib unavailable: no chart"
	$(BIN)/python benchmarks/run_all.py

# ~30 s with small sizes for CI: fails only when a benchmark breaks, never on timing.
bench-smoke: install
	$(BIN)/python benchmarks/run_all.py --smoke

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
