# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv when it is missing and install the package into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean-outputs ocr-deps system-deps holdout fresh-machine golden

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

run: $(STAMP) ocr-deps
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

test: $(TESTSTAMP) system-deps
	$(BIN)/python -m pytest -q

# Regenerate tests/golden/ (exact records per corpus document) after an intended change.
golden: $(STAMP) ocr-deps
	$(BIN)/python tests/golden/regenerate.py

holdout: $(STAMP)
	$(BIN)/extract run corpus/holdout -o outputs/holdout -q
	$(BIN)/extract evaluate --gold corpus/holdout/gold --pred outputs/holdout/records.jsonl --report outputs/holdout/eval

lint: $(TESTSTAMP)
	$(BIN)/ruff check src tests benchmarks corpus/tools
	$(BIN)/ruff format --check src tests benchmarks corpus/tools

clean-outputs:
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +

# A new user's first hour, as CI checks it: a fresh clone (with ../shared beside it) on a
# machine without Tesseract or Chromium; `make run` then `make test` must both succeed.
fresh-machine:
	bash .ci/fresh-machine
