"""JATS / PubMed Central XML: text, headings, citations, references and tables with offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_paths import ROOT

from extract.errors import ReaderError
from extract.pipeline import run
from extract.readers import read_document
from extract.refs import parse_references

PMC = ROOT.parent / "shared" / "corpus" / "real_text" / "en_pmc"
BMC = PMC / "PMC1693922.nxml"  # BMC Cancer 2006: TCF vs ECF, tables in a back "Tables" section

needs_shared = pytest.mark.skipif(
    not BMC.is_file(), reason="../shared/corpus/real_text is not beside the checkout"
)

SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">
<article article-type="research-article"><front><article-meta>
<title-group><article-title>A phase III trial of X versus Y</article-title></title-group>
<abstract><sec><title>Results</title><p>Median OS was 12.4 months with X versus 9.8 months with Y
(HR 0.73; 95% CI, 0.62&#x2013;0.86; P&nbsp;&lt;&nbsp;0.001)<sup><xref ref-type="bibr" rid="B2">2</xref></sup>.</p></sec></abstract>
</article-meta></front>
<body><sec><title>Results</title><p>Response rates are given in <xref ref-type="table" rid="T1">Table 1</xref>
[<xref ref-type="bibr" rid="B1">1</xref>,<xref ref-type="bibr" rid="B2">2</xref>].</p>
<table-wrap id="T1"><label>Table 1</label><caption><p>Efficacy</p></caption>
<table><thead><tr><th rowspan="2">Endpoint</th><th colspan="2">Arm</th></tr><tr><th>X (n=305)</th><th>Y (n=301)</th></tr></thead>
<tbody><tr><td>ORR, n (%)</td><td>41 (13.4)</td><td>25 (8.3)</td></tr></tbody></table>
<table-wrap-foot><fn><p>ORR, objective response rate.</p></fn></table-wrap-foot></table-wrap>
</sec></body>
<back><ref-list><ref id="B1"><label>1</label><mixed-citation>Smith J. First report. Lancet. 2020.</mixed-citation></ref>
<ref id="B2"><label>2</label><element-citation><person-group><name><surname>Wu</surname><given-names>L</given-names></name></person-group><article-title>The KEYNOTE-590 trial</article-title><source>Lancet</source><year>2021</year><volume>398</volume><fpage>759</fpage><lpage>771</lpage><pub-id pub-id-type="pmid">34454674</pub-id></element-citation></ref></ref-list></back>
</article>
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    p = tmp_path / "article.nxml"
    p.write_text(SMALL, encoding="utf-8")
    return p


def test_title_headings_paragraphs_and_entities(small):
    doc = read_document(small)
    assert doc.text.startswith(
        "A phase III trial of X versus Y\n\nAbstract\n\nResults\n\nMedian OS was 12.4 months"
    )
    assert (
        "0.62\u20130.86; P\u00a0<\u00a00.001)." in doc.text
    )  # character and named entities, no marker left
    heads = [doc.text[a:e] for a, e in doc.metadata["headings"]]
    assert heads == ["Abstract", "Results", "Results", "References"]
    assert any(s["path"] == "Abstract / Results" for s in doc.metadata["sections"])


def test_bibr_xrefs_become_citations_numbered_as_the_reference_list(small):
    doc = read_document(small)
    cites = [(doc.text[c.offset - 1], c.refs) for c in doc.citations]
    assert cites == [(")", ("2",)), ("[", ("1",)), (",", ("2",))]
    assert "Table 1" in doc.text  # a table xref is text
    refs = parse_references(doc.text)
    assert set(refs) == {"1", "2"}
    assert "KEYNOTE-590" in refs["2"].text and "34454674" not in refs["2"].text  # ids are no words


def test_a_table_with_spans_caption_and_footnotes(small):
    doc = read_document(small)
    [t] = doc.tables
    assert (t["n_rows"], t["n_cols"], t["caption"], t["footnotes"]) == (
        3,
        3,
        "Table 1 Efficacy",
        ["ORR, objective response rate."],
    )
    cells = {(c["row"], c["col"]): c for c in t["cells"]}
    assert (
        cells[(0, 0)]["rowspan"] == 2 and cells[(0, 1)]["colspan"] == 2
    )  # spans kept, grid expanded
    assert (
        cells[(1, 1)]["text"] == "X (n=305)"
        and cells[(1, 1)]["header"]
        and not cells[(2, 1)]["header"]
    )
    for c in t["cells"]:
        assert doc.text[c["start"] : c["end"]] == c["text"]
    assert doc.text[t["start"] : t["end"]].splitlines()[-1] == "ORR, n (%)\t41 (13.4)\t25 (8.3)"


def test_every_character_keeps_its_offset_in_the_file(small):
    doc = read_document(small)
    raw = small.read_text(encoding="utf-8")
    src = doc.metadata["source_offsets"]
    i = doc.text.index("Median OS was 12.4 months")
    assert raw[src[i] : src[i] + 25] == "Median OS was 12.4 months"
    c = doc.tables[0]["cells"][-1]
    assert raw[src[c["start"]] : src[c["start"]] + len(c["text"])] == c["text"]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("<article><front><p>unclosed</front></article>", "not well-formed XML"),
        ("<html><body><p>Median OS 12 months</p></body></html>", "not a JATS <article>"),
    ],
)
def test_xml_that_is_not_a_jats_article_fails_with_its_reason(tmp_path, content, why):
    p = tmp_path / "bad.xml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ReaderError) as e:
        read_document(p)
    assert e.value.code == "malformed_xml" and why in e.value.reason and str(p) in str(e.value)


@needs_shared
def test_a_real_pmc_article_reads_with_its_tables_and_references():
    doc = read_document(BMC)
    assert doc.text.startswith("Quality of life in patients with advanced gastric cancer")
    assert len(doc.tables) == 4 and doc.tables[1]["caption"].startswith("Table 2")
    row = next(
        r
        for r in doc.text[doc.tables[1]["start"] : doc.tables[1]["end"]].splitlines()
        if r.startswith("Global quality of life")
    )
    assert row == "Global quality of life\t55.2 (17.4)\t45.1 (14.4)\t0.01"
    refs = parse_references(doc.text)
    assert len(refs) >= 10 and all(c.refs[0] in refs for c in doc.citations)


@needs_shared
def test_extract_run_takes_nxml_files(tmp_path):
    out = tmp_path / "out"
    [res] = run([PMC / "PMC2527839.nxml"], out, workers=0)
    assert res.status == "ok" and any(r.kind == "outcome" for r in res.records)
    text = (out / "text").glob("*.txt").__next__().read_text(encoding="utf-8")
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        for ev in json.loads(line)["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"] and ev["page"] == 1
