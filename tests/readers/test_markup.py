"""Readers for real text inputs: converter Markdown (MinerU) and PubMed Central plain text.

Each LaTeX form below is quoted from a ChinaXiv paper as MinerU converted it
(``../shared/corpus/real_text/zh_chinaxiv/``); the expected text is what the page shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.readers.markup import flavour
from extract.readers.mathtext import decode_markup
from extract.readers.text import read_text, text_document

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real_text"
ZH = SHARED / "zh_chinaxiv"
PMC = SHARED / "en_pmc"
needs_shared = pytest.mark.skipif(
    not ZH.is_dir(), reason="../shared/corpus/real_text not beside the repo"
)

LATEX = [
    # (source, as MinerU wrote it, as the page reads)
    (
        "ChinaXiv-201712.01057V1",
        r"其客观缓解率为 $6 1 . 9 \%$ ,明显高于",
        "其客观缓解率为 61.9% ,明显高于",
    ),
    (
        "ChinaXiv-201712.01057V1",
        r"3组间有效率及控制率均无统计学差异 $( P { > } 0 . 0 5 )$",
        "3组间有效率及控制率均无统计学差异 (P>0.05)",
    ),
    ("ChinaXiv-201712.00948V1", r"直径 $\leq 5$ cm与直径>5cm", "直径 ≤5 cm与直径>5cm"),
    ("ChinaXiv-201712.00948V1", r"${ \leqslant } 6$", "≤6"),
    ("ChinaXiv-201712.00239V1", r"${ \sim } 2 0 1 4$", "~2014"),
    ("ChinaXiv-201801.00668V1", r"$\mathrm { C D 4 ^ { + } C D 2 9 ^ { + } T }$", "CD4⁺CD29⁺T"),
    ("ChinaXiv-201712.00749V1", r"$2 8 . 3 { \pm } 1 2 . 3 \$", "28.3±12.3"),
    ("ChinaXiv-201712.01195V1", r"$\mathrm { R R } { = } 1 . 8 1 4 , 9 5 \%$", "RR=1.814,95%"),
    ("ChinaXiv-201712.00960V1", r"$\scriptstyle P = 0 . 0 3 8$", "P=0.038"),
    ("ChinaXiv-201712.00960V1", r"$\scriptstyle \phantom { + } P < 0 . 0 5$", "P<0.05"),
    (
        "ChinaXiv-201712.00037V1",
        r"5年生存率仅为 $2 2 . 1 \% ^ { [ 1 ] }$ 。",
        "5年生存率仅为 22.1% 。",
    ),
    ("ChinaXiv-201712.00764V1", r"$\mathrm { H R = } 0 . 2 3 4$", "HR=0.234"),
    ("ChinaXiv-201712.00749V1", r"$\overline { { x } } \pm s$", "x±s"),
    (
        "ChinaXiv-201712.00763V1",
        r"$\begin{array} { r } { v s ~ 3 3 . 0 { \pm } 1 1 . 4 } \end{array}$",
        "vs 33.0±11.4",
    ),
    ("ChinaXiv-201801.00659V1", r"TNMI\~Ⅲ期结直肠癌", "TNMI~Ⅲ期结直肠癌"),
    ("ChinaXiv-201712.00577V1", r"观察组（保乳术 $+$ 术后放疗)", "观察组（保乳术 + 术后放疗)"),
    (
        "OCR slip kept",
        r"两组比较 $\mathrm { \ P { > } 0 . 0 5 }$ ，vS 对照组 P50.05",
        "P>0.05 ，vS 对照组 P50.05",
    ),
]


@pytest.mark.parametrize(
    ("source", "written", "reads"), LATEX, ids=[f"{s}:{w[:24]}" for s, w, _ in LATEX]
)
def test_converter_math_reads_as_the_page_does(source, written, reads):
    doc = text_document(
        f"# 结果\n\n{written}\n\n$1 2 \\%$ 对照\n"
    )  # a line of math makes it converter output
    assert doc.metadata["flavour"] == "converter"
    assert reads in doc.text
    assert "$" not in doc.text and "\\" not in doc.text


def test_every_decoded_character_points_back_to_its_file_offset():
    raw = r"有效率为 $4 8 . 4 8 \%$ ，高于对照组的 $3 0 . 0 \%$ $( P { < } 0 . 0 5 )$ 。"
    text, origin = decode_markup(raw)
    assert text == "有效率为 48.48% ，高于对照组的 30.0% (P<0.05) 。"
    assert len(origin) == len(text)
    assert origin == sorted(origin)  # order is kept
    for i, ch in enumerate(text):
        if ch.isdigit() or "\u4e00" <= ch <= "\u9fff":
            assert raw[origin[i]] == ch  # digits and words come from where they stand
    pct = text.index("%")
    assert raw[origin[pct] : origin[pct] + 2] == r"\%"  # the command it was decoded from


def test_prices_in_plain_prose_keep_their_dollar_signs():
    doc = text_document("Incentives of $1 were effective, and $2 more so.\n")
    assert doc.metadata["flavour"] == "plain"
    assert doc.text.startswith("Incentives of $1 were effective, and $2 more so.")


def test_html_table_becomes_cells_with_spans_expanded_and_a_tab_separated_paragraph():
    raw = (
        "# 2 结果\n\n两组疗效比较见表1。\n\n"
        '<table><tr><td rowspan="2">组别</td><td colspan="2">疗效</td></tr>'
        "<tr><td>有效</td><td>$P$</td></tr>"
        "<tr><td>观察组(n=45)</td><td>$9 1 . 7 \\%$</td><td>$< 0 . 0 5$</td></tr></table>\n\n后文。\n"
    )
    doc = text_document(raw)
    assert doc.metadata["flavour"] == "converter"
    (t,) = doc.tables
    assert (t["n_rows"], t["n_cols"]) == (3, 3)
    cells = {(c["row"], c["col"]): c for c in t["cells"]}
    assert cells[(0, 1)]["colspan"] == 2 and cells[(0, 0)]["rowspan"] == 2
    assert cells[(2, 1)]["text"] == "91.7%" and cells[(2, 2)]["text"] == "<0.05"
    for c in t["cells"]:
        assert doc.text[c["start"] : c["end"]] == c["text"]
        src = doc.metadata["source_offsets"][c["start"]]
        assert raw[src] == c["text"][0] or c["text"][0] in "%<"  # points into the cell's markup
    assert doc.text[t["start"] : t["end"]].split("\n")[2] == "观察组(n=45)\t91.7%\t<0.05"
    assert "<table>" not in doc.text and "<td" not in doc.text


def test_pipe_table_of_marker_output_becomes_cells():
    raw = "Results.\n\n| Arm | ORR |\n|---|---|\n| Drug | 32% |\n| Placebo | 12% |\n\n![](img/fig1.png)\n"
    doc = text_document(raw)
    (t,) = doc.tables
    assert [c["text"] for c in t["cells"]] == ["Arm", "ORR", "Drug", "32%", "Placebo", "12%"]
    assert "![](" not in doc.text


@needs_shared
@pytest.mark.parametrize(
    "path", sorted(ZH.glob("*.md")) if ZH.is_dir() else [], ids=lambda p: p.stem
)
def test_no_latex_is_left_in_any_chinaxiv_paper(path):
    doc = read_text(path)
    raw = path.read_text(encoding="utf-8")
    assert doc.metadata["flavour"] == "converter"
    left = re.findall(r".{0,12}(?:\$|\\[A-Za-z%]+|\{ ?\\).{0,12}", doc.text)
    assert not left, left[:3]
    origin = doc.metadata["source_offsets"]
    assert len(origin) == len(doc.text)
    same = sum(raw[o] == c for o, c in zip(origin, doc.text, strict=True))
    assert same / len(doc.text) > 0.95  # nearly every character is the file's own


@needs_shared
def test_numbers_in_a_chinaxiv_paper_read_as_numbers():
    doc = read_text(ZH / "ChinaXiv-201712.01057V1.md")
    assert "其客观缓解率为 61.9%" in doc.text
    assert "控制率分别为 93.75%" in doc.text
    assert len(doc.tables) == 3 and doc.tables[0]["n_cols"] == 5


@needs_shared
def test_pmc_headings_are_headings_and_sections_are_kept():
    path = PMC / "PMC1693922.txt"
    doc = read_text(path)
    assert doc.metadata["flavour"] == "pmc"
    heads = [doc.text[a:e] for a, e in doc.metadata["headings"]]
    assert heads[:3] == ["TITLE:", "ABSTRACT.BACKGROUND:", "ABSTRACT.METHODS:"]
    paths = [tuple(s["path"]) for s in doc.metadata["sections"]]
    assert ("ABSTRACT", "RESULTS") in paths and ("BODY", "RESULTS") in paths
    results = next(s for s in doc.metadata["sections"] if s["path"] == ["ABSTRACT", "RESULTS"])
    assert (
        doc.text[results["start"] : results["end"]].strip().startswith("The baseline HRQOL scores")
    )
    # one paragraph a line: each line of the file is its own paragraph
    assert "\n\nThe baseline HRQOL scores were comparable" in doc.text


def test_pmc_headings_never_become_sentences_of_results():
    from extract.pipeline import process_text

    raw = (
        "TITLE: A randomised trial\n\n  ABSTRACT.RESULTS:\nMedian overall survival was 11.2 months with "
        "drug and 8.1 months with placebo (HR 0.71, 95% CI 0.55-0.92; P=0.01).\n\nBODY.RESULTS.SURVIVAL:\n"
        "The 2-year overall survival rate was 24%.\n"
    )
    res = process_text(raw, name="PMC0000001.txt")
    texts = {ev.text for r in res.records for ev in r.evidence}
    assert not any(t.endswith(":") and t.isupper() for t in texts)
    assert any(r.kind == "effect" and r.value == 0.71 for r in res.records)


@needs_shared
def test_every_real_text_file_is_told_by_its_content():
    for p in sorted(PMC.glob("*.txt"))[:20]:
        assert flavour(p.read_text(encoding="utf-8")) == "pmc", p.name
    for p in sorted(ZH.glob("*.md"))[:20]:
        assert flavour(p.read_text(encoding="utf-8")) == "converter", p.name


COMPOSED = Path(__file__).resolve().parents[2] / "corpus" / "composed"


def test_a_fenced_table_of_a_composed_document_is_read_into_cells():
    """corpus/composed/en_review_nsclc_first_line.md, ``::: table grid`` "Table 2. Adverse
    events by grade": 'Patients, % | <' is one header cell over two columns, the rule row is
    no row, the caption and the footnote line are the table's; a ``<br>`` in a cell of Table 1
    is blanked, and every character keeps its file offset."""
    path = COMPOSED / "en_review_nsclc_first_line.md"
    raw = path.read_text(encoding="utf-8")
    doc = read_text(path)
    origin = doc.metadata["source_offsets"]
    assert [t["caption"][:8] for t in doc.tables] == ["Table 1.", "Table 2."]
    t1, t2 = doc.tables
    head = next(c for c in t1["cells"] if c["row"] == 0 and c["col"] == 3)
    assert " ".join(doc.text[head["start"] : head["end"]].split()) == "Median OS, months"
    assert raw[origin[head["start"]] :].startswith("Median OS,<br>months")
    assert (t2["n_rows"], t2["n_cols"]) == (8, 4)
    cells = {(c["row"], c["col"]): c for c in t2["cells"]}
    assert cells[(0, 2)]["colspan"] == 2 and cells[(0, 2)]["text"] == "Patients, %"
    assert cells[(0, 2)]["header"] and not cells[(2, 2)]["header"]
    assert doc.text[cells[(3, 1)]["start"] : cells[(3, 1)]["end"]] == "3–5*"
    assert cells[(3, 0)]["text"] == ""  # the trial of the row above goes on
    assert t2["footnotes"][0].startswith("* Treatment-related adverse events")
