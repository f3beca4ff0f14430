# Every target creates/updates the virtual environment in $(VENV) first, so each works on a fresh clone.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test test-any-day lint record record-emulator demo examples bench bench-smoke docs clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# vcrpy is upgraded in a second step on purpose: langchain-tests 1.1.9 pins vcrpy<9, but only
# vcrpy>=9.4 patches httpx2, the transport google-genai 3.6 uses (docs/testing.md explains).
# The stamp makes later targets skip a reinstall (11 s each) until pyproject.toml changes; the
# package itself is installed editable, so code changes need none.
INSTALLED := $(VENV)/.installed

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q "vcrpy>=9.4,<10"
	touch $(INSTALLED)

install: $(INSTALLED)

# pytest exits 5 when it collects no test; that is not a failure of the suite itself.
PYTEST_RC = rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

# Test processes (pytest-xdist); WORKERS=0 runs everything in this process (e.g. to debug).
WORKERS ?= 2

# The suite in file order.
test: install
	$(BIN)/pytest -q -p no:cacheprovider -p no:randomly -n $(WORKERS); $(PYTEST_RC)

# The suite as it would run on another day, in another shell: the wall clock 400 days ahead, a
# random order (the seed is printed; rerun one with SEED=n), and nonsense in the variables the
# package reads. The tests must pin everything they depend on themselves.
ifndef SEED
SEED := $(shell python3 -c "import random; print(random.randrange(10**9))")
endif
test-any-day: install
	@echo "random order seed: $(SEED) (make test-any-day SEED=$(SEED) reproduces it)"
	GEMINI_VISION_MODEL=no-such-model GEMINI_VISION_BASE_URL=http://nonsense.invalid:1 \
	GOOGLE_API_KEY=not-a-key GEMINI_VISION_CACHE_DIR=/nonexistent/cache \
	$(BIN)/pytest -q -p no:cacheprovider --randomly-seed=$(SEED) --clock-shift-days=400 \
		-n $(WORKERS); $(PYTEST_RC)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

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

# The documentation site (mkdocs.yml) into site/; --strict turns every warning (a broken link, a
# page missing from the nav, a docstring mkdocstrings cannot read) into a failure.
docs: $(BIN)/python
	$(BIN)/pip install -q -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
# ~30 s with small sizes for CI: fails only when a benchmark breaks, never on timing.
bench-smoke: install
	$(BIN)/python benchmarks/run_all.py --smoke

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
