"""Whole-corpus properties: provenance of every record, and no regression against the baseline.

One pipeline run over ``corpus/`` per session (``conftest.corpus_run``).
"""

from __future__ import annotations

import json
import re

from corpus_paths import GOLD

from extract.recognize.numbers import spelled_number
from extract.report import compare_metrics, load_metrics, metrics_dict, score_files

_NUM = re.compile(r"-?\d*\.\d+|-?\d+")  # a CI bound may be negative ("95% CI -0.54 to 12.44")
_WORDS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "半": 0.5,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}


def _numbers(text: str) -> list[float]:
    nums = [float(x) for x in _NUM.findall(text)]
    nums += [abs(n) for n in nums]  # "1-2": the dash is a range, not a sign
    nums += [
        float(x.replace(",", ".")) for x in re.findall(r"\b0,\d+", text)
    ]  # "P = 0,05": a decimal comma
    nums += [
        float(x) for x in re.findall(r"(?<=%\.)\d+(?:\.\d+)?", text)
    ]  # "80.00%.90.00%": a converter's period between two values
    nums += [float(v) for w, v in _WORDS.items() if w in text.lower()]
    # numbers spelled out as the text writes them ("Ninety percent", "Thirty-two patients")
    nums += [
        float(n) for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)?", text) if (n := spelled_number(w))
    ]
    return nums


def _present(value: float, nums: list[float]) -> bool:
    return any(abs(value - n) < 1e-9 for n in nums)


def test_every_document_in_the_corpus_is_processed(corpus_run):
    out, results = corpus_run
    docs = [
        json.loads(line)
        for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(docs) >= 20
    for d in docs:
        assert d["status"] == "ok", f"{d['path']}: {d['error']}"
        assert (out / d["text_path"]).is_file()


def test_evidence_offsets_reproduce_the_quoted_text(corpus_run, corpus_records):
    out, _ = corpus_run
    docs = {
        json.loads(line)["doc_id"]: json.loads(line)
        for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    }
    texts = {
        doc_id: (out / d["text_path"]).read_text(encoding="utf-8") for doc_id, d in docs.items()
    }
    assert corpus_records
    for r in corpus_records:
        text = texts[r["doc_id"]]
        for ev in r["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"], r["id"]
            assert 1 <= ev["page"] <= docs[r["doc_id"]]["pages"]


def test_every_number_a_result_holds_is_in_its_evidence(corpus_records):
    checked = 0
    for r in corpus_records:
        if r["kind"] == "trial":
            continue
        nums = _numbers(" ".join(ev["text"] for ev in r["evidence"]))
        for field in ("value", "value_high", "ci_low", "ci_high", "p_value"):
            v = r.get(field)
            if (
                field == "p_value"
                and v == 0.001
                and r.get("p_qualifier") == "<"
                and _present(0.0, nums)
            ):
                continue  # "P = 0.000" is recorded as < 0.001 (RECORDS.md v2)
            if v is not None:
                assert _present(v, nums), (
                    f"{r['kind']} {field}={v} not in evidence: {r['evidence'][0]['text'][:200]}"
                )
                checked += 1
        if r.get("ci_level") is not None:
            assert _present(round(r["ci_level"] * 100, 6), nums)
    assert checked > 500


def test_trial_names_are_canonical_and_never_guidelines_or_biomarkers(corpus_records):
    never = {
        "NCCN",
        "AJCC",
        "CSCO",
        "GLOBOCAN",
        "PDL1",
        "CPS",
        "HER2",
        "RECIST11",
        "CTCAE50",
        "ECOG",
    }
    for r in corpus_records:
        if r["kind"] == "trial":
            assert r["name"] == r["name"].upper() and " " not in r["name"]
            assert re.sub(r"[^0-9A-Z]", "", r["name"]) not in never


def test_no_regression_against_the_committed_baseline(corpus_run, tmp_path):
    """Strict F1 per kind, overall and per genre and language, may not fall more than 0.01
    below corpus/gold/baseline.json.

    Improving the baseline is an explicit, reviewed update of that file:
    ``extract evaluate --gold corpus/gold --pred outputs/records.jsonl --report outputs/eval``
    then copy ``outputs/eval/metrics.json`` to ``corpus/gold/baseline.json``.
    """
    out, _ = corpus_run
    current = metrics_dict(score_files(GOLD, out / "records.jsonl"))
    baseline = load_metrics(GOLD / "baseline.json")
    drops = []
    scopes = [("overall", current["overall"], baseline["overall"])]
    for genre, table in baseline.get("by_genre_lang", {}).items():  # composed/zh, real_excerpt/en…
        scopes.append((genre, current.get("by_genre_lang", {}).get(genre, {}), table))
    for name, now_table, was_table in scopes:
        for kind in ("trial", "outcome", "effect"):
            if kind not in was_table:
                continue
            now = now_table.get(kind, {}).get("strict", {}).get("f1", 0.0)
            was = was_table[kind]["strict"]["f1"]
            if now < was - 0.01:
                drops.append(f"{name} {kind}: strict F1 {was:.3f} → {now:.3f}")
    changes = [c for c in compare_metrics(current, baseline) if c.status == "regressed"]
    detail = "\n".join(f"{c.path}: {c.before} → {c.after}" for c in changes[:20])
    assert not drops, "; ".join(drops) + "\n" + detail
