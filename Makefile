# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv when it is missing and install the package into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: bytecode run test lint bench clean-outputs ocr-deps system-deps holdout fresh-machine golden real-pdf

# Debian packages the tests drive: OCR (Tesseract with Chinese data), poppler,
# the CJK TrueType font the corpus renderer embeds, and Chromium for browser tests.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

apt_install = if [ -n "$(1)" ]; then \
	  echo "installing Debian packages:$(1)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(1); \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP) $@

# An editable install compiles no bytecode, and where PYTHONDONTWRITEBYTECODE is set (as
# on this project's CI machine) no run writes it: every process, every CLI test's
# included, would compile the package's source again (~0.2 s a start). compileall
# compiles only what changed since its last run.
bytecode: | $(BIN)/python
	@$(BIN)/python -m compileall -q src

run: $(STAMP) bytecode ocr-deps
	$(BIN)/extract run corpus -o outputs --ocr

# What `make run` needs: Tesseract with Chinese data and poppler, for the scanned and
# broken-encoding pages that --ocr reads.
ocr-deps:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	tesseract --list-langs 2>/dev/null | grep -qx chi_sim || missing="$$missing tesseract-ocr-chi-sim"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	$(call apt_install,$$missing)

# What `make test` needs beyond that: the CJK font the corpus renderer embeds, Chromium.
system-deps: ocr-deps
	@missing=""; \
	[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$$missing fonts-wqy-microhei"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	$(call apt_install,$$missing)

test: $(TESTSTAMP) bytecode system-deps
	$(BIN)/python -m pytest -q

# Regenerate tests/golden/ (exact records per corpus document) after an intended change.
golden: $(STAMP) bytecode ocr-deps
	$(BIN)/python tests/golden/regenerate.py

holdout: $(STAMP) bytecode
	$(BIN)/extract run corpus/holdout -o outputs/holdout -q
	$(BIN)/extract evaluate --gold corpus/holdout/gold --pred outputs/holdout/records.jsonl --report outputs/holdout/eval

# The corpus and the real publisher PDFs of ../shared/corpus/real_pdf (five not open: they
# stay in ../shared, never in corpus/) run together and scored against corpus/gold: genre
# real_pdf, and corpus/gold/scope.json for gold that covers some pages of a PDF only.
REAL_PDF ?= ../shared/corpus/real_pdf
real-pdf: $(STAMP) bytecode ocr-deps
	@test -d "$(REAL_PDF)" || { echo "$(REAL_PDF): not found (the real publisher PDFs sit in ../shared/corpus/real_pdf beside the checkout; or give REAL_PDF=DIR)"; exit 2; }
	$(BIN)/extract run corpus "$(REAL_PDF)" -o outputs/real-pdf --ocr -q
	$(BIN)/extract evaluate --gold corpus/gold --pred outputs/real-pdf/records.jsonl --report outputs/real-pdf/eval

lint: $(TESTSTAMP)
	$(BIN)/ruff check src tests benchmarks corpus/tools
	$(BIN)/ruff format --check src tests benchmarks corpus/tools

clean-outputs:
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +

# A new user's first hour, as CI checks it: a fresh clone (with ../shared beside it) on a
# machine without Tesseract or Chromium; `make run` then `make test` must both succeed.
fresh-machine:
	bash .ci/fresh-machine
