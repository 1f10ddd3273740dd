"""Shared fixtures: paths, and one pipeline run over the corpus per test session."""

from __future__ import annotations

import json

import pytest
from corpus_paths import CORPUS


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    """``extract run corpus`` once per session: (outdir, results)."""
    from extract.pipeline import run

    out = tmp_path_factory.mktemp("corpus_run")
    results = run([CORPUS], out, ocr=True)
    return out, results


@pytest.fixture(scope="session")
def corpus_records(corpus_run):
    out, _ = corpus_run
    return [
        json.loads(line)
        for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    ]
