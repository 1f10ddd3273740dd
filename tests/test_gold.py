"""The gold corpus itself: every file follows the contract, the measuring stick reads 1.0 on
itself and 0 recall on nothing, and the seed's two independent curations agree."""

from __future__ import annotations

import json
import re

import pytest
from corpus_paths import CORPUS, GOLD
from typer.testing import CliRunner

from extract.cli import app
from extract.evaluate import evaluate, gold_to_records
from extract.readers.text import read_text, text_document
from extract.report import load_gold_dir, load_gold_file

GOLD_FILES = sorted(GOLD.glob("*.jsonl"))


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_the_gold_corpus_has_the_documents_the_issue_asks_for():
    stems = {p.stem for p in GOLD_FILES}
    assert "000_05e11c3b259efc19" in stems
    assert len([s for s in stems if s.startswith("zh_review_")]) >= 3
    assert len([s for s in stems if s.startswith("en_review_")]) >= 3
    for negative in ("negative_qualitative_rehab", "zh_negative_research_report"):
        assert (GOLD / f"{negative}.jsonl").read_text(encoding="utf-8").strip() == ""
    # every gold stem has its document in the corpus
    docs = {p.stem for p in CORPUS.rglob("*") if p.suffix in (".pdf", ".txt", ".md")}
    assert stems <= docs


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_follows_the_contract_and_quotes_its_document(path):
    records = load_gold_file(path)
    for line in path.read_text(encoding="utf-8").splitlines():
        assert '"rule_id"' not in line and '"id"' not in line  # curated, not copied from output
    source = next((p for p in CORPUS.rglob(f"{path.stem}.*") if p.suffix in (".md", ".txt")), None)
    if source is not None:
        # compare as a reader sees it: citation markers and LaTeX delimiters out, spaces folded
        text = _flat(read_text(source).text)
        for r in records:
            if r.text:
                snippet = _flat(text_document(r.text).text)
                assert snippet in text, f"{path.name}: snippet not in {source.name}: {r.text[:60]}"


def test_seed_gold_against_itself_scores_one_everywhere(tmp_path):
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(GOLD), "--pred", str(GOLD), "--report", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    for kind in ("trial", "outcome", "effect"):
        for mode in ("loose", "strict"):
            assert metrics["overall"][kind][mode]["f1"] == 1.0


def test_empty_prediction_has_recall_zero():
    gold = load_gold_dir(GOLD)
    scores = evaluate({"seed": gold["000_05e11c3b259efc19"]}, {"seed": []})
    for kind in ("trial", "outcome", "effect"):
        assert scores.overall[kind].loose.recall == 0.0
        assert scores.overall[kind].strict.recall == 0.0


def test_seed_curations_agree():
    a = load_gold_file(GOLD / "curations" / "000_05e11c3b259efc19.A.jsonl")
    b = load_gold_file(GOLD / "curations" / "000_05e11c3b259efc19.B.jsonl")
    scores = evaluate({"seed": a}, gold_to_records({"seed": b}))
    for kind in ("trial", "outcome", "effect"):
        assert scores.overall[kind].strict.f1 >= 0.95
