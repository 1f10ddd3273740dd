"""The reader against PDFs generated from known text (corpus/pdftests), on both backends.

Done-when of the PDF layer: within 0.02 normalized edit distance of the source
and every paragraph in order; pdfplumber's default ``extract_text()`` is far off
on the same files (it interleaves columns), which the benchmark shows.
"""

from __future__ import annotations

import re

import pytest
from pdfcases import BACKENDS, GENERATED, generated, read, read_normalized

from extract.readers.fidelity import edit_distance, paragraph_order


def test_the_corpus_has_every_hard_case():
    wanted = {
        "zh_review_two_column",
        "zh_review_embedded_font",
        "zh_fpdf_embedded_cid",
        "en_review_hyphenated",
        "en_three_columns",
        "en_sidebar",
        "en_table_between_paragraphs",
        "en_footnotes",
        "en_rotated_page",
    }
    assert wanted <= set(GENERATED)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", GENERATED)
def test_text_matches_source_in_order(name, backend):
    pdf, expected = generated(name)
    got = read_normalized(str(pdf), backend).text
    assert edit_distance(expected, got) <= 0.02
    order = paragraph_order(expected, got)
    assert order.ok, order


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_column_chinese_sentence_is_contiguous(backend):
    got = read_normalized(str(generated("zh_review_two_column")[0]), backend).text
    assert "在全球多中心Ⅲ期随机试验KEYNOTE-590研究中，共有749例食管及食管胃结合部癌患者入组" in got


@pytest.mark.parametrize("backend", BACKENDS)
def test_raised_citations_become_annotations_on_their_sentence(backend):
    nd = read_normalized(str(generated("zh_review_two_column")[0]), backend)
    assert "[7]" not in nd.text.split("参考文献")[0]
    # "一项日本的研究^[7]显示" → the citation stands right after 研究
    i = nd.text.index("一项日本的研究") + len("一项日本的研究")
    assert ("7",) in [c.refs for c in nd.citations if c.offset == i]


@pytest.mark.parametrize("backend", BACKENDS)
def test_reference_list_keeps_one_entry_per_line(backend):
    from extract.refs import parse_references

    refs = parse_references(
        read_normalized(str(generated("zh_review_two_column")[0]), backend).text
    )
    assert len(refs) == 31
    assert refs["7"].text.startswith("Hironaka S, Tsubosa Y")
    assert "(JCOG0807)[J]" in refs["7"].text


@pytest.mark.parametrize("backend", BACKENDS)
def test_inline_bracket_citations_are_annotations(backend):
    nd = read_normalized(str(generated("zh_review_embedded_font")[0]), backend)
    assert not re.search(r"\[\d+(?:[-,]\d+)*\]", nd.text)
    assert any(c.refs == ("1", "2") for c in nd.citations)


@pytest.mark.parametrize("backend", BACKENDS)
def test_running_header_and_page_numbers_are_metadata_not_text(backend):
    doc = read(str(generated("en_review_hyphenated")[0]), backend)
    assert "Journal of Thoracic Reviews" not in doc.text
    assert all(any("Journal of Thoracic Reviews" in r for r in p.removed) for p in doc.pages)
    assert [p.number for p in doc.pages if str(p.number) in p.removed] == [
        p.number for p in doc.pages
    ]


@pytest.mark.parametrize(
    ("word", "kept"),
    [
        ("non-small", False),
        ("PD-L1", True),
        ("KEYNOTE-590", True),
        ("haematological", True),
        ("immunochemotherapy", True),
        ("oligometastatic", True),
    ],
)
def test_hyphenation_undone_only_inside_words(word, kept):
    got = read_normalized(str(generated("en_review_hyphenated")[0]), "pdfplumber").text
    if kept:
        assert word in got
    assert not re.search(r"[a-z]- [a-z]", got)  # no hyphen left dangling before a joined line


@pytest.mark.parametrize("backend", BACKENDS)
def test_tables_are_cells_with_rows_and_columns(backend):
    doc = read(str(generated("en_table_between_paragraphs")[0]), backend)
    assert [(t["n_rows"], t["n_cols"]) for t in doc.tables] == [(6, 5), (4, 4)]
    cells = {(c["row"], c["col"]): c for c in doc.tables[0]["cells"]}
    assert cells[(1, 0)]["text"] == "KEYNOTE-590"
    assert cells[(1, 4)]["text"] == "0.73 (0.62-0.86)"
    c = cells[(3, 3)]
    assert doc.text[c["start"] : c["end"]] == "17.0 v 11.0"
    assert doc.page_of(c["start"]) == doc.tables[0]["page"]
    # the table is its own block: a row per line, cells separated by tabs
    t = doc.tables[1]
    assert doc.text[t["start"] : t["end"]].splitlines()[1] == "Oesophagitis grade 1-2\t19\t2\t0.036"


@pytest.mark.parametrize("backend", BACKENDS)
def test_footnotes_leave_the_text_and_the_paragraph_stays_whole(backend):
    doc = read(str(generated("en_footnotes")[0]), backend)
    notes = doc.metadata["footnotes"]
    assert [n["page"] for n in notes] == [1, 1]
    assert "Data cut-off 30 June 2023" in notes[0]["text"]
    assert "Data cut-off" not in doc.text


@pytest.mark.parametrize("backend", BACKENDS)
def test_rotated_page_reads_upright(backend):
    doc = read(str(generated("en_rotated_page")[0]), backend)
    assert doc.pages[1].width > doc.pages[1].height
    assert (
        "The randomised, double-blind, placebo-controlled KEYNOTE-590 trial enrolled 749"
        in doc.page_text(2)
    )


@pytest.mark.parametrize("name", ["zh_fpdf_embedded_cid", "zh_review_embedded_font"])
def test_embedded_cjk_fonts_read_on_both_backends(name):
    a = read_normalized(str(generated(name)[0]), "pdfplumber").text
    b = read_normalized(str(generated(name)[0]), "pdfium").text
    assert edit_distance(a, b) <= 0.005
