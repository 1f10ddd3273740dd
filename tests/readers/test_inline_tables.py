"""Tables that PMC plain text leaves inline in the paragraph citing them, read back as tables:
each value cell becomes a record whose evidence is the cell, the prose around the table stays
prose, and a table whose shape is not certain stays text (real lines of the repository's
``corpus/real_text/en_pmc`` excerpts and of ``../shared/corpus/real_text/en_pmc``)."""

from __future__ import annotations

import pytest
from corpus_paths import CORPUS, ROOT

from extract.pipeline import process_document
from extract.readers.inlinetables import inline_tables
from extract.readers.text import read_text

EXCERPTS = CORPUS / "real_text" / "en_pmc"
SHARED_PMC = ROOT.parent / "shared" / "corpus" / "real_text" / "en_pmc"

# PMC5739798 (surgery plus rAd-p53 vs surgery alone), its Results paragraph on safety
ADVERSE_EVENTS = (
    "Safety analysis is shown in Table 5.   Table 5 Adverse Events and Complications Surgery"
    " plus rAd-p53 N=82 n (%) Surgery alone N=81 n (%) Pneumonia 29 (35.4) 22 (27.2)"
    " Respiratory failure 13 (15.9) 8 (9.8) Hemorrhage 0 2 (2.5) Bronchial fistula 0 1 (1.2)"
    " Arrhythmia 5 (6.1) 4 (4.9) Recurrent laryngeal nerve injury 1 (1.2) 0 Fever (>38°C)"
    " 49 (59.8) 6 (7.4)   The most common adverse event was fever."
)
# PMC4317856 (DZ vs D), Table 2: two groups over "All / ≥Grade 3", each over "Number / %"
GRADED = (
    "  Table 2 Summary of adverse events (CTCAE) Adverse event DZ group ( N  = 49) D group"
    " ( N  = 50) All ≥Grade 3 All ≥Grade 3 Number % Number % Number % Number % Leukopenia"
    " 45 92 31 63 47 94 28 56 Neutropenia 45 92 38 78 46 92 40 80 Anemia 33 67 3 6 31 62 3 6"
    " ALT, alanine transaminase"
)


def _grid(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_a_table_inline_in_its_paragraph_is_read_as_its_rows_under_its_groups():
    (found,) = inline_tables(ADVERSE_EVENTS, 100)
    assert found.caption == "Table 5 Adverse Events and Complications"
    assert [c.text for c in found.table.header[0]] == [
        "",
        "Surgery plus rAd-p53 N=82 n (%)",  # a group's unit heads are its name's
        "Surgery alone N=81 n (%)",
    ]
    rows = _grid(found.table)
    assert rows[0] == ["Pneumonia", "29 (35.4)", "22 (27.2)"]
    assert ["Hemorrhage", "0", "2 (2.5)"] in rows  # a bare 0 is a cell
    assert rows[-1] == ["Fever (>38°C)", "49 (59.8)", "6 (7.4)"]
    assert len(rows) == 7
    # offsets are the file's: the caption, and the text after the last cell stays prose
    assert ADVERSE_EVENTS[found.start - 100 :].startswith("Table 5")
    assert ADVERSE_EVENTS[found.end - 100 :].strip().startswith("The most common")
    cell = found.table.rows[0][1]
    assert ADVERSE_EVENTS[cell.start - 100 :].startswith("29 (35.4)")


def test_heads_repeated_under_each_group_become_the_levels_of_the_header():
    (found,) = inline_tables(GRADED, 0)
    head = [[(c.text, c.colspan) for c in level] for level in found.table.header]
    assert head[0][1:] == [("DZ group ( N  = 49)", 4), ("D group ( N  = 50)", 4)]
    assert head[1] == [("All", 2), ("≥Grade 3", 2), ("All", 2), ("≥Grade 3", 2)]
    assert [t for t, _ in head[2]] == ["Number", "%"] * 4
    assert _grid(found.table) == [
        ["Leukopenia", "45", "92", "31", "63", "47", "94", "28", "56"],
        ["Neutropenia", "45", "92", "38", "78", "46", "92", "40", "80"],
        ["Anemia", "33", "67", "3", "6", "31", "62", "3", "6"],
    ]


@pytest.mark.parametrize(
    "line",
    [
        # a sentence citing a table is no caption
        "Table 2 shows the adverse events 45 92 31 63 of both groups 47 94 28 56 in detail.",
        # no group sizes: which column is whose is not written
        "  Table 3 Response Response Arm A Arm B CR 4 5 PR 10 12 SD 7 3",
        # values run together without spaces (PMC3456942's rendering)
        "  Table 2 Toxicity Adverse event (N = 47) Grade 3 Neutropenia34.15.4 Anaemia12.76.9"
        " Diarrhoea4.32.1",
    ],
    ids=["citing-sentence", "no-group-sizes", "glued-values"],
)
def test_a_line_whose_table_shape_is_not_certain_gives_no_table(line):
    assert inline_tables(line, 0) == []


@pytest.mark.skipif(not SHARED_PMC.is_dir(), reason="../shared/corpus/real_text not beside")
def test_prose_after_a_table_whose_columns_do_not_decode_is_not_read_as_rows():
    # PMC3117815 Table 4 interleaves a grade column under two groups; the paragraph after it
    # ("Approximately two-thirds of patients … Of 29 patients having involved nodes, 16
    # (55%) …") once came out as the table's rows
    text = (SHARED_PMC / "PMC3117815.txt").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "Table 4 Pathological responses" in ln)
    assert not any(t.caption.startswith("Table 4") for t in inline_tables(line, 0))
    # while its Table 5, one column a head under each group beside the P values, is read
    line = next(ln for ln in text.splitlines() if "Table 5 Treatment-related" in ln)
    (toxicity,) = inline_tables(line, 0)
    assert ["Neuropathy", "0", "0", "16", "38.2", "0.008"] in _grid(toxicity.table)


def test_each_value_of_an_inline_table_is_a_record_pointing_at_its_cell():
    path = EXCERPTS / "PMC5739798.txt"
    doc = read_text(path)
    table = next(t for t in doc.tables if t["caption"].startswith("Table 5"))
    for c in table["cells"]:
        assert doc.text[c["start"] : c["end"]] == c["text"]
    res = process_document(path)
    assert res.status == "ok", res.error
    table_rows = {}
    for r in res.records:
        if r.kind == "outcome" and r.source == "table":
            table_rows.setdefault(r.event, set()).add((r.value, r.arm_role, r.events, r.n))
    assert table_rows["pneumonia"] == {(35.4, "experimental", 29, 82), (27.2, "control", 22, 81)}
    # "Hemorrhage 0 2 (2.5)" under "n (%)": no patient of the experimental arm bled
    assert table_rows["bleeding"] == {(0.0, "experimental", 0, 82), (2.5, "control", 2, 81)}
    # the prose of the paragraph is still read as text: no sentence lost to the table
    assert any(r.source == "text" for r in res.records if r.kind == "outcome")
