"""Tables of PMC plain text written a cell a line, read back as tables (real files of
``../shared/corpus/real_text/en_pmc``): a curator sees each table value as a record whose
evidence is its cell, and a block whose shape is not certain stays text."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_paths import ROOT

from extract.pipeline import process_document
from extract.readers.text import read_text

PMC = ROOT.parent / "shared" / "corpus" / "real_text" / "en_pmc"

pytestmark = pytest.mark.skipif(not PMC.is_dir(), reason="../shared/corpus/real_text not beside")


def _table_rows(path: Path, caption: str) -> list[list[str]]:
    doc = read_text(path)
    table = next(t for t in doc.tables if t["caption"].startswith(caption))
    rows: dict[int, list[str]] = {}
    for c in table["cells"]:
        assert doc.text[c["start"] : c["end"]] == c["text"]  # offsets index the text
        rows.setdefault(c["row"], []).append(c["text"])
    return [rows[r] for r in sorted(rows)]


def _table_outcomes(path: Path) -> set[tuple]:
    res = process_document(path)
    assert res.status == "ok", res.error
    return {
        (r.event, r.grade, r.value, r.arm, r.arm_role, r.n, r.events)
        for r in res.records
        if r.kind == "outcome" and r.source == "table"
    }


def test_a_table_with_its_header_a_cell_a_line_gives_each_cell_its_record():
    # PMC3672778, Table 3 "Most common AEs occurring during the study"
    rows = _table_rows(PMC / "PMC3672778.txt", "Table 3")
    assert rows[0] == [
        "Patients experiencing an AE,a n (%)",
        "Fulvestrant500 mg",
        "Fulvestrant500 mg + anastrozole 1 mg",
        "Anastrozole 1 mg",
    ]
    assert rows[1] == ["Hot flash", "7 (18)", "3 (8)", "8 (20)"]
    assert rows[-1] == ["Any AE", "27 (68)", "27 (68)", "29 (73)"]
    got = _table_outcomes(PMC / "PMC3672778.txt")
    # the combination against each of its drugs alone: each drug alone is a control
    assert ("hot flash", None, 18.0, "Fulvestrant500 mg", "control", None, 7) in got
    assert ("pain in extremity", None, 0.0, "Fulvestrant500 mg", "control", None, 0) in got
    assert (None, None, 73.0, "Anastrozole 1 mg", "control", None, 29) in got
    assert (
        "headache",
        None,
        10.0,
        "Fulvestrant500 mg + anastrozole 1 mg",
        "experimental",
        None,
        4,
    ) in got
    assert len(got) == 18  # six rows of three arms


def test_header_cells_run_together_on_one_line_with_arms_over_grades():
    # PMC1936363, Table 2: "ToxicityGemcitabine plus erlotinib (%) n=282Gemcitabine plus
    # placebo (%) n=280AnyGrade 3/4AnyGrade 3/4Rash", then a cell a line
    rows = _table_rows(PMC / "PMC1936363.txt", "Table 2")
    assert rows[0] == [
        "Toxicity",
        "Gemcitabine plus erlotinib (%) n=282",
        "Gemcitabine plus placebo (%) n=280",
    ]
    assert rows[1] == ["Any", "Grade 3/4", "Any", "Grade 3/4"]
    assert rows[2] == ["Rash", "72", "6", "29", "1"]
    got = _table_outcomes(PMC / "PMC1936363.txt")
    assert ("rash", None, 72.0, "Gemcitabine plus erlotinib", "experimental", 282, None) in got
    assert ("rash", "3-4", 1.0, "Gemcitabine plus placebo", "control", 280, None) in got
    assert ("fatigue", "3-4", 15.0, "Gemcitabine plus erlotinib", "experimental", 282, None) in got
    assert len(got) == 9 * 4


def test_section_rows_between_the_header_and_the_rows():
    # PMC529310, Table 3: "NSCLC", "Gastric cancer", … each over its Trial and Control rows
    rows = _table_rows(PMC / "PMC529310.txt", "Table 3")
    assert rows[0][:3] == ["Group", "n", "CR"]
    assert rows[1] == ["NSCLC"]
    assert rows[2] == ["Trial", "17", "1", "7", "3", "4", "2", "47.06% (8/17)", "0.208"]
    assert ["Gastric cancer"] in rows


def test_a_capitalised_labels_head_run_into_the_first_arm_and_roman_grades():
    # PMC4914313, Table 2: "TOXICITYCRT ARM A (RT+FLUO) (n = 6)CRT ARM B (RT + FLUO + CETUX)
    # (n = 6)Grade I/II N (%)Grade III/IV N (%)…Anaemia"; arm B adds cetuximab to arm A
    rows = _table_rows(PMC / "PMC4914313.txt", "Table 2")
    assert rows[0] == [
        "TOXICITY",
        "CRT ARM A (RT+FLUO) (n = 6)",
        "CRT ARM B (RT + FLUO + CETUX) (n = 6)",
    ]
    assert rows[2] == ["Anaemia", "3 (50)", "", "5 (83.3)", ""]  # empty cells as empty lines
    got = _table_outcomes(PMC / "PMC4914313.txt")
    assert ("anemia", "1-2", 50.0, "CRT ARM A (RT+FLUO)", "control", 6, 3) in got
    assert ("anemia", "1-2", 83.3, "CRT ARM B (RT + FLUO + CETUX)", "experimental", 6, 5) in got
    assert ("hyponatraemia", "3-4", 16.7, "CRT ARM A (RT+FLUO)", "control", 6, 1) in got


@pytest.mark.parametrize(
    ("name", "kept", "why"),
    [
        ("PMC4914313", ["Table 2"], "Tables 1 and 3 run values together: '64.735.3', '…)3.5 (…'"),
        (
            "PMC4710681",
            [],
            "cells of words: 'Platelet (1); INR (1); leukocyte (1); hemoglobin (1)'",
        ),
        ("PMC3691625", [], "a header run together whose cells cannot be told apart"),
    ],
)
def test_blocks_of_uncertain_shape_stay_text(name, kept, why):
    doc = read_text(PMC / f"{name}.txt")
    assert [t["caption"][:7] for t in doc.tables] == kept, why
