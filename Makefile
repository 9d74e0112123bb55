# Two entry points for a fresh machine (see README):
#   make demo   set up .venv, train the default model on corpus/digest, tag a sample draft
#   make test   set up .venv (and headless Chromium for the browser test), lint, type-check, test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup chromium lint typecheck pytest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[nlp,serve,dask,dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/tagger train corpus/digest --out models/default
	$(BIN)/tagger suggest --model models/default corpus/samples/draft.txt

lint: $(STAMP)
	$(BIN)/ruff check tagger tests benchmarks
	$(BIN)/ruff format --check tagger tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict tagger

pytest: $(STAMP)
	$(BIN)/python -m pytest

# The browser test drives Debian's chromium (never a browser download); install it when we can.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: /usr/bin/chromium is missing; the browser test will skip (apt-get install chromium)"; fi; \
	fi

test: chromium lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
