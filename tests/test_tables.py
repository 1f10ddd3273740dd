"""Records from tables (issue 14): real tables of corpus/real_tables/ and of ../shared, read by
the table engine (``extract.tables``), and kept out of the text stages.

Each case quotes its source file and table; the expected values are the cells as printed.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest
from corpus_paths import CORPUS, ROOT

from extract.pipeline import DocState, evidence_boxes, prepare, process_document

TABLES = CORPUS / "real_tables"
SHARED_PMC = ROOT.parent / "shared" / "corpus" / "real_text" / "en_pmc"


@cache
def _records(path: Path) -> list:
    res = process_document(path)
    assert res.status == "ok", res.error
    return res.records


def _table(path: Path, **fields) -> list:
    return [
        r
        for r in _records(path)
        if r.source == "table" and all(getattr(r, k) == v for k, v in fields.items())
    ]


CASES = [
    # (file, table, what a curator reads in the cell, the record's fields)
    (
        "en_pmc/PMC3117815_tables.nxml",
        "T3: 'Weekly docetaxel (n = 41)' spans No. and %; row 'cCR' 26 | 63",
        dict(kind="outcome", endpoint="CR", value=63.0),
        dict(unit="percent", stat="rate", arm="Weekly docetaxel", n=41, events=26),
    ),
    (
        "en_pmc/PMC3117815_tables.nxml",
        "T3: '4AC (n = 92)' beside the two docetaxel arms (n = 41 each) is everyone before "
        "randomisation; its cCR 17 | 18",
        dict(kind="outcome", endpoint="CR", value=18.0, arm="4AC"),
        dict(arm_role="single", n=92, events=17),
    ),
    (
        "en_pmc/PMC4134501_tables.nxml",
        "tbl3 'Grade ⩾3 adverse events': Neutropenia 8 (53.3) in 'Arm A …, n=15'",
        dict(kind="outcome", endpoint="AE", value=53.3),
        dict(grade=">=3", event="neutropenia", n=15, events=8),
    ),
    (
        "en_pmc/PMC4907713_tables.nxml",
        "t5: 'HFS' (footnote: 'HFS, hand-foot syndrome') 35 (57) under 'XEC(n=61) (%)'",
        dict(kind="outcome", endpoint="AE", value=57.0),
        dict(event="hand-foot syndrome", n=61, events=35),
    ),
    (
        "en_pmc/PMC4907713_tables.nxml",
        "t5: HFS 'P-value*' 0.000 — rounded to zero, so < 0.001",
        dict(kind="effect", endpoint="AE", p_value=0.001),
        dict(p_qualifier="<", measure=None, event="hand-foot syndrome"),
    ),
    (
        "en_pmc/PMC4907713_tables.nxml",
        "t2: 'pCR in tumor' 11 (18) | 4 (6) | 0.027",
        dict(kind="effect", endpoint="pCR", p_value=0.027),
        dict(p_qualifier="="),
    ),
    (
        "en_pmc/PMC3845560_tables.nxml",
        "t05: 'OS rate (%)' spans 1-year / 3-year / 5-year; Arm A 3-year 82.4",
        dict(kind="outcome", endpoint="OS", value=82.4),
        dict(stat="rate", timepoint_months=36.0, arm="Arm A", unit="percent"),
    ),
    (
        "en_pmc/PMC3442969_tables.nxml",
        "T4: label column 'PFS', row 'WT', column 'HR (95% CI)' 0.82 (0.56-1.19)",
        dict(kind="effect", endpoint="PFS", measure="HR", value=0.82),
        dict(ci_low=0.56, ci_high=1.19, subgroup="WT"),
    ),
    (
        "en_pmc/PMC5362536_tables.nxml",
        "T2: section 'OS (month)', row 'Median(95%, CI)', Gefitinib 13.5(11.3-15.7)",
        dict(kind="outcome", endpoint="OS", value=13.5),
        dict(stat="median", unit="month", ci_low=11.3, ci_high=15.7, arm_role="control"),
    ),
    (
        "en_pmc/PMC5362536_tables.nxml",
        "T3: Nimotuzumab+Gefitinib 'Grade≥3' Acneiform rash 2 (2.6%)",
        dict(kind="outcome", endpoint="AE", value=2.6, event="rash"),
        dict(grade=">=3", arm_role="experimental", events=2),
    ),
    (
        "zh_chinaxiv/ChinaXiv-201712.00051V1_tables.md",
        "表2 (n=25,%): 组别 | … | 总有效率; 对照组 22(88.0)",
        dict(kind="outcome", endpoint="ORR", value=88.0),
        dict(arm="对照组", arm_role="control", events=22, n=25, lang="zh"),
    ),
    (
        "zh_chinaxiv/ChinaXiv-201712.00535V1_tables.md",
        "组别 | n | 显效 | 有效 | 无效 | 总有效率; 观察组 35 … 91.4",
        dict(kind="outcome", endpoint="ORR", value=91.4),
        dict(arm="观察组", arm_role="experimental", n=35, unit="percent"),
    ),
    (
        "zh_chinaxiv/ChinaXiv-201712.00424V1_tables.md",
        "表3 两组患者术后并发症: 尿潴留 column, 对照组 7(23.33), P row <0.05",
        dict(kind="outcome", endpoint="AE", value=23.33, event="尿潴留"),
        dict(arm_role="control", events=7, n=30),
    ),
    (
        "en_pmc/PMC3442969_tables.nxml",
        "T5 'OS … according to KRAS mutation': 'Codon 12' / 'mutation' is one label on two lines,"
        " the second holding the HR under the first's P 0.54",
        dict(kind="effect", endpoint="OS", value=0.83),
        dict(measure="HR", ci_low=0.45, ci_high=1.53, p_value=0.54, subgroup="Codon 12 mutation"),
    ),
    (
        "en_pmc/PMC3442969_tables.nxml",
        "T5: the row 'Codon 12' / 'mutation' is no patient listing; FUFOX 15.6months",
        dict(kind="outcome", endpoint="OS", value=15.6),
        dict(arm="FUFOX", stat="median", unit="month", subgroup="Codon 12 mutation"),
    ),
    (
        "en_pmc/PMC3442969_tables.nxml",
        "T4 'All patients': the P and the HR in one cell, '0.18<break/>0.81 (0.61-1.09)'",
        dict(kind="effect", endpoint="PFS", value=0.81),
        dict(measure="HR", ci_low=0.61, ci_high=1.09, p_value=0.18, subgroup=None),
    ),
    (
        "en_pmc/PMC3845560_tables.nxml",
        "t03: 'RR (%)' under the second header block 'Response after completion of radiotherapy |"
        " Arm A (n=63) | Arm B (n=61) | Total (n=124)' — a label again under a new block",
        dict(kind="outcome", endpoint="ORR", value=92.7),
        dict(arm=None, arm_role="single", n=124, unit="percent"),
    ),
    (
        "en_pmc/PMC529310_tables.nxml",
        "T2: 'Group | n | CR | … | Response rate | P', Trial row P 0.022: the P compares the "
        "column before it",
        dict(kind="effect", endpoint="ORR", p_value=0.022),
        dict(measure=None, value=None),
    ),
    (
        "zh_chinaxiv/ChinaXiv-202208.00164V1_tables.md",
        "表1两组患者术后疼痛干预效果比较: 明显缓解 column, 治疗组(n=30) 17(56.67) — pain relief",
        dict(kind="outcome", endpoint="QOL", value=56.67),
        dict(stat="rate", unit="percent", arm="治疗组", arm_role="experimental", events=17, n=30),
    ),
]


@pytest.mark.parametrize(
    ("name", "where", "key", "expected"), CASES, ids=[c[1][:40] for c in CASES]
)
def test_a_real_table_cell_becomes_a_record(name, where, key, expected):
    found = _table(TABLES / name, **key)
    assert len(found) == 1, f"{name} {where}: {len(found)} records for {key}"
    rec = found[0]
    for k, v in expected.items():
        assert getattr(rec, k) == v, f"{name} {where}: {k} is {getattr(rec, k)!r}, not {v!r}"


def test_evidence_is_the_row_with_the_cells_used():
    """PMC3117815 T3: the record of 63 (Weekly docetaxel, cCR) points at its row and at the
    value cell, the row label and the spanning arm header."""
    path = TABLES / "en_pmc/PMC3117815_tables.nxml"
    rec = _table(path, kind="outcome", endpoint="CR", value=63.0)[0]
    ev = rec.evidence[0]
    assert ev.text.startswith("cCR\t17\t18\t26\t63")
    cells = {(c.row, c.col) for c in ev.cell}
    assert {(4, 4), (4, 0), (0, 3)} <= cells  # value, row label, "Weekly docetaxel (n = 41)"
    res = process_document(path)
    assert res.text[ev.start : ev.end] == ev.text


def test_a_spanning_cell_covers_every_position_it_spans():
    """Spans as the readers give them (origin cell with rowspan/colspan) cover their grid:
    ChinaXiv-202208.00164V1 表1 '术后24h' (rowspan 2, converter HTML) labels both its rows;
    PMC3117815 T3 'Weekly docetaxel (n = 41)' (JATS colspan 2) heads both No. and %."""
    from extract.tables.grid import table_view

    def view(name):
        state = prepare(DocState(path=TABLES / name), upto="text")
        return table_view(state.nd, state.doc.tables[0], 0)

    zh = view("zh_chinaxiv/ChinaXiv-202208.00164V1_tables.md")
    assert zh.grid[2][0] is zh.grid[3][0] and zh.grid[3][0].text == "术后24h"
    assert zh.caption.startswith("表1两组患者术后疼痛干预效果比较")
    en = view("en_pmc/PMC3117815_tables.nxml")
    assert en.grid[0][3] is en.grid[0][4] and en.grid[0][4].text == "Weekly docetaxel (n = 41)"
    assert en.data_rows[0] == 4 and en.section_of[4] == 3  # "Clinical response" above cCR


def test_the_relief_of_a_symptom_is_no_tumour_response():
    """ChinaXiv-202208.00164V1 表1 "两组患者术后疼痛干预效果比较": 完全缓解 is the pain's
    relief, so its cells are no CR but QOL rates (convention 7), and 无效 (no relief) none."""
    path = TABLES / "zh_chinaxiv/ChinaXiv-202208.00164V1_tables.md"
    records = _table(path)
    assert [r for r in records if r.endpoint in ("CR", "PR", "ORR")] == []
    qol = [r for r in records if r.endpoint == "QOL"]
    assert len(qol) == 18  # 6 arm rows × 完全缓解 / 明显缓解 / 轻度缓解
    assert {r.value for r in qol if r.arm == "治疗组"} >= {76.67, 16.67, 3.0}
    assert 3.33 not in {r.value for r in qol}  # the 无效 cells "1(3.33)"


def test_a_test_statistic_and_a_count_are_no_records():
    """ChinaXiv-201712.00424V1 表1: the 'x' row (3.7740 …) is χ², and counts without a share are
    no outcomes (ChinaXiv-201712.00574V1: 显效 85 | 有效 16)."""
    assert not [
        r
        for r in _records(TABLES / "zh_chinaxiv/ChinaXiv-201712.00424V1_tables.md")
        if r.kind == "outcome" and r.value == 3.774
    ]
    values = {r.value for r in _table(TABLES / "zh_chinaxiv/ChinaXiv-201712.00574V1_tables.md")}
    assert values == {91.82, 82.73}


def test_complications_under_a_care_intervention_are_no_adverse_events():
    """ChinaXiv-201712.00515V1 "在联合检测下判断早期肝硬化无创诊断的护理", 表2
    "两组并发症发生率比较": the cirrhosis's complications (并发症发生率 5(12.5) | 13(30.9)*) under
    two ways of nursing are no AE of a treatment; ChinaXiv-201712.00424V1 表3 "两组患者术后并发症"
    of an operation (a treatment) still are."""
    assert _table(TABLES / "zh_chinaxiv/ChinaXiv-201712.00515V1_tables.md") == []
    surgery = _table(TABLES / "zh_chinaxiv/ChinaXiv-201712.00424V1_tables.md", endpoint="AE")
    assert surgery


def test_a_patient_listing_yields_nothing():
    """PMC4019890 Table 2 lists the 19 patients one a row (Arm A/B/C repeated): no results."""
    assert _table(TABLES / "en_pmc/PMC4019890_tables.nxml") == []


def _cut(tmp_path: Path, pmc: str, table: str) -> Path:
    src = SHARED_PMC / f"{pmc}.nxml"
    if not src.is_file():
        pytest.skip(f"{src} is not here")
    sys.path.insert(0, str(CORPUS / "tools"))
    from table_excerpt import jats_tables

    out = tmp_path / f"{pmc}_{table}.nxml"
    out.write_text(jats_tables(src.read_text(encoding="utf-8"), [table]), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("pmc", "table"),
    [("PMC3117815", "T1"), ("PMC4907713", "t1-ott-9-3443")],  # patient / tumour characteristics
)
def test_a_baseline_table_yields_nothing(tmp_path, pmc, table):
    path = _cut(tmp_path, pmc, table)
    res = process_document(path)
    assert res.status == "ok"
    assert [r for r in res.records if r.kind != "trial"] == []


@pytest.mark.parametrize(
    "name", sorted(p.relative_to(TABLES).as_posix() for p in TABLES.glob("*/*_tables.*"))
)
def test_text_stages_do_not_read_table_rows(name):
    """Rows of a table are the table engine's: no text record's evidence lies in a table."""
    state = prepare(DocState(path=TABLES / name), upto="text")
    from extract.tables import table_spans

    spans = table_spans(state.nd)
    assert spans
    for r in _records(TABLES / name):
        if r.kind == "trial":
            continue  # the trial stage reads rows too: a trial named only in a table is one
        ev = r.evidence[0]
        inside = any(a <= ev.start < e for a, e in spans)
        assert inside == (r.source == "table"), f"{name}: {r.source} record at {ev.start}"


def test_a_pdf_table_record_outlines_its_cells(tmp_path):
    """PMC4907713 Table 2 set as a ruled PDF table: the record of 'pCR in tumor' 11 (18) under
    'XEC (n=61) (%)' carries the box of its cells, and its evidence boxes are those cells."""
    from tablepdf import write_table_pdf

    from extract.pipeline import load_pipeline

    path = write_table_pdf(tmp_path / "table.pdf")
    state = prepare(DocState(path=path), load_pipeline(), upto="text")
    assert len(state.doc.tables) == 1, "the PDF reader no longer finds the ruled table"
    cells = {(c["row"], c["col"]): c for c in state.doc.tables[0]["cells"]}
    rec = next(
        r for r in _records(path) if r.source == "table" and r.kind == "outcome" and r.value == 18.0
    )
    assert (rec.endpoint, rec.arm, rec.n, rec.events) == ("pCR", "XEC", 61, 11)
    ev = rec.evidence[0]
    used = [cells[(c.row, c.col)]["bbox"] for c in ev.cell]
    assert ev.bbox == [
        min(b[0] for b in used),
        min(b[1] for b in used),
        max(b[2] for b in used),
        max(b[3] for b in used),
    ]
    boxes = evidence_boxes(state.nd, rec.evidence)
    assert [tuple(b) for _, b in boxes] == [tuple(b) for b in used]
    value_box = cells[(1, 1)]["bbox"]
    chars = [state.nd.bbox_of(i) for i in range(ev.start, ev.end)]
    inside = [b for b in chars if b and value_box[0] <= b[0] and b[2] <= value_box[2] + 0.5]
    assert inside, "the value cell's box holds none of the row's characters"


SHARED_CASES = [
    (
        "PMC2360030",
        "Table 2 '% pts' over 'TEGAFIRI (No. 68 pts)' over G1 … G4: Diarrhoea G3 14.7",
        dict(kind="outcome", endpoint="AE", value=14.7, event="diarrhea"),
        dict(grade="3", arm="TEGAFIRI", n=68, unit="percent"),
    ),
    (
        "PMC5830087",
        "Table 2: 'Objective Response Rate' 29 (60.4) with its '95% CI' column (45.3, 74.2)",
        dict(kind="outcome", endpoint="ORR", value=60.4),
        dict(ci_low=45.3, ci_high=74.2, events=29, n=48),
    ),
    (
        "PMC5292678",
        "Table 2 'DA (%)' | 'DClo (%)' | 'HR/OR, 95% CI': CR 64 | 58 | 1.30 (0.98–1.73) | 0.07",
        dict(kind="effect", endpoint="CR", value=1.3),
        dict(ci_low=0.98, ci_high=1.73, p_value=0.07, p_qualifier="="),
    ),
]


@pytest.mark.parametrize(
    ("pmc", "where", "key", "expected"), SHARED_CASES, ids=[c[0] for c in SHARED_CASES]
)
def test_a_full_article_table_cell_becomes_a_record(pmc, where, key, expected):
    path = SHARED_PMC / f"{pmc}.nxml"
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    found = _table(path, **key)
    assert len(found) == 1, f"{pmc} {where}: {len(found)} records for {key}"
    for k, v in expected.items():
        assert getattr(found[0], k) == v, f"{pmc} {where}: {k} is {getattr(found[0], k)!r}"


LABEL = ROOT.parent / "shared" / "corpus" / "real_pdf" / "zh_nmpa_label_bendamustine.pdf"
LABEL_CASES = [
    # (where in the label, the record's key, what else the cell says)
    (
        "p. 4, 表1 'N=102', 所有级别 | 3级或更高级别: 恶心 45(44) | 1(<1)",
        dict(kind="outcome", event="nausea", grade=">=3"),
        dict(value=1.0, qualifier="<", events=1, unit="percent", n=102),
    ),
    (
        "p. 4, 表1: 恶心 45(44) | 1(<1), the 所有级别 column",
        dict(kind="outcome", event="nausea", grade=None),
        dict(value=44.0, qualifier="=", events=45, unit="percent"),
    ),
    (
        "p. 5, 表1 continued over the page: 腹泻 5(5) | 1(<1)",
        dict(kind="outcome", event="diarrhea", grade=">=3"),
        dict(value=1.0, qualifier="<", events=1),
    ),
    (
        "p. 9, 表4 '患者百分比' over 所有级别 | 3/4级: 血红蛋白降低 88 | 11",
        dict(kind="outcome", endpoint="AE", grade="3-4", value=11.0),
        dict(unit="percent", qualifier="="),
    ),
    (
        "p. 6, 表2 '血液学指标' centred on the two header rows, '患者人数（%）' over 所有级别 | "
        "3/4级: 白细胞减少 96(95) | 67(66)",
        dict(kind="outcome", event="leukopenia", grade="3-4"),
        dict(value=66.0, events=67, unit="percent"),
    ),
    (
        "p. 7, 表3, its header (所有级别 | 3/4级) at the foot of p. 6: 恶心 132(75) | 7(4)",
        dict(kind="outcome", event="nausea", grade=None),
        dict(value=75.0, events=132, unit="percent", n=176),
    ),
    (
        "p. 7, 表3 'N=176' on the caption's second line: 恶心 132(75) | 7(4), the 3/4级 column",
        dict(kind="outcome", event="nausea", grade="3-4"),
        dict(value=4.0, events=7, n=176),
    ),
    (
        "p. 8, 表3 continued without its header under the section label 实验室检查: "
        "体重降低 31(18) | 3(2)",
        dict(kind="outcome", event="体重降低", grade="3-4"),
        dict(value=2.0, events=3, n=176),
    ),
    (
        "p. 8, 表3 continued: 低血压 10(6) | 2(1), the last row",
        dict(kind="outcome", event="低血压", grade=None),
        dict(value=6.0, events=10, n=176),
    ),
    (
        "p. 15, 表5: 整体缓解率（CR+PR） 74(73), the next row （95%CI） 62.82, 80.92",
        dict(kind="outcome", endpoint="ORR", value=73.0),
        dict(events=74, ci_low=62.82, ci_high=80.92, ci_level=0.95),
    ),
    (
        "p. 16, 表6: the section label 缓解率(%) over 完全缓解(CR) 13, a bare number",
        dict(kind="outcome", endpoint="CR", value=13.0),
        dict(unit="percent", stat="rate"),
    ),
    (
        "p. 16, 表6: 整体缓解率(CR+CRu+PR) 74, the next row （95%CI） (64.3,82.3)",
        dict(kind="outcome", endpoint="ORR", value=74.0),
        dict(ci_low=64.3, ci_high=82.3, ci_level=0.95),
    ),
]


@pytest.mark.parametrize(("where", "key", "expected"), LABEL_CASES, ids=[c[0] for c in LABEL_CASES])
def test_a_drug_label_ae_table_cell_becomes_a_record(where, key, expected):
    if not LABEL.is_file():
        pytest.skip(f"{LABEL} is not here")
    page = int(where.split()[1].rstrip(","))
    found = [r for r in _table(LABEL, **key) if r.evidence[0].page == page]
    assert len(found) == 1, f"{LABEL.name} {where}: {len(found)} records for {key}"
    for k, v in expected.items():
        assert getattr(found[0], k) == v, f"{LABEL.name} {where}: {k} is {getattr(found[0], k)!r}"


def test_a_disease_in_a_label_caption_is_no_trial():
    """表1：中国NHL临床试验中发生率≥5%的不良反应（N=102）: NHL is the disease, not a trial."""
    if not LABEL.is_file():
        pytest.skip(f"{LABEL} is not here")
    recs = _records(LABEL)
    assert not [r for r in recs if r.kind == "trial" and r.name == "NHL"]
    assert {r.trial for r in recs if r.source == "table"} == {None}


def test_hr_and_p_rows_compare_the_endpoint_above_in_each_column_group():
    """PMC4674925 Table 4: 'Median OS, months (95 % CI)' per arm under three patient groups,
    then 'HR eribulin vs. TPC (95 % CI)' and 'p value' rows whose cells span the two arms;
    TPC is "treatment of physician’s choice" (footnote), the control."""
    path = SHARED_PMC / "PMC4674925.nxml"
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    hr = _table(path, kind="effect", measure="HR", value=0.76)
    assert len(hr) == 1
    assert (hr[0].endpoint, hr[0].ci_low, hr[0].ci_high, hr[0].p_value) == ("OS", 0.51, 1.12, 0.16)
    assert hr[0].subgroup == "Progression due to new metastases"
    tpc = _table(path, kind="outcome", endpoint="OS", value=8.4)
    assert [(r.arm, r.arm_role, r.n, r.ci_low, r.ci_high) for r in tpc] == [
        ("TPC", "control", 68, 7.0, 14.4)
    ]


REVIEW_TABLE = """<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.0 20120330//EN" "JATS-archivearticle1.dtd">
<article article-type="review-article"><front><article-meta><title-group><article-title>Immunochemotherapy in advanced oesophageal and gastric cancer</article-title></title-group></article-meta></front>
<body><sec><title>First-line trials</title>
<table-wrap id="T1"><label>Table 1</label><caption><p>Phase 3 trials of first-line PD-1 inhibitors plus chemotherapy</p></caption>
<table><thead><tr><th>Trial</th><th>Arms</th><th>Median OS, months</th><th>HR (CI)</th><th>P</th></tr></thead>
<tbody>
<tr><td>KEYNOTE-590</td><td>Pembrolizumab plus chemotherapy vs chemotherapy</td><td>12.4 vs 9.8</td><td>0.73 (0.62–0.86)</td><td>&lt;0.0001</td></tr>
<tr><td>CheckMate 649</td><td>Nivolumab plus chemotherapy vs chemotherapy</td><td>13.8 vs 11.6</td><td>0.80 (0.68–0.94)</td><td>0.0002</td></tr>
</tbody></table></table-wrap></sec></body></article>
"""


def test_a_review_summary_table_gives_each_trial_its_records(tmp_path):
    """A review's summary table (trial | arms | median OS | HR | P), its rows the results the
    corpus's reviews state in prose: KEYNOTE-590 "mOS: 12.4个月 vs. 9.8个月; P<0.0001;
    HR=0.73; 95%CI: 0.62~0.86" (corpus/seed/000_05e11c3b259efc19.txt) and CheckMate 649 in
    all randomized patients "13.8 vs 11.6 months; HR 0.80, 99.3% CI 0.68–0.94; P=0.0002"
    (corpus/composed/en_review_gastric_io.md)."""
    path = tmp_path / "review.nxml"
    path.write_text(REVIEW_TABLE, encoding="utf-8")
    records = process_document(path).records
    assert {r.name for r in records if r.kind == "trial"} == {"KEYNOTE-590", "CHECKMATE-649"}
    got = {
        (r.trial, r.value, r.arm, r.arm_role)
        for r in records
        if r.kind == "outcome" and r.source == "table" and r.endpoint == "OS"
    }
    assert got == {
        ("KEYNOTE-590", 12.4, "Pembrolizumab plus chemotherapy", "experimental"),
        ("KEYNOTE-590", 9.8, "chemotherapy", "control"),
        ("CHECKMATE-649", 13.8, "Nivolumab plus chemotherapy", "experimental"),
        ("CHECKMATE-649", 11.6, "chemotherapy", "control"),
    }
    effects = {
        (r.trial, r.measure, r.value, r.ci_low, r.ci_high, r.p_value, r.p_qualifier)
        for r in records
        if r.kind == "effect"
    }
    assert effects == {
        ("KEYNOTE-590", "HR", 0.73, 0.62, 0.86, 0.0001, "<"),
        ("CHECKMATE-649", "HR", 0.8, 0.68, 0.94, 0.0002, "="),
    }


def test_events_of_a_survival_endpoint_are_not_its_value():
    """PMC4518214 Table 2 (section 'Two-year analysis'): 'PFS | 28 (18) | 45 (28) | 73 (23) |
    84 | 73 | 0.55 (0.35–0.89) | 0.014' — the counts under 'Events, No. (%)' are events, the
    rates under 'CRT group, %' are 2-year PFS; the 'FFS' row (failure-free survival) is no
    endpoint of the vocabulary."""
    path = SHARED_PMC / "PMC4518214.nxml"
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    pfs = _table(path, kind="outcome", endpoint="PFS")
    assert {(r.value, r.timepoint_months, r.arm) for r in pfs if r.timepoint_months == 24.0} == {
        (84.0, 24.0, "CRT group"),
        (73.0, 24.0, "RT group"),
    }
    assert not [r for r in pfs if r.value in (18.0, 28.0)]
    assert not [r for r in _table(path) if r.evidence[0].text.split("\t")[0] == "FFS"]


COMPOSED = CORPUS / "composed"

REVIEW_CASES = [
    # (file, table, what a curator reads in the row, the record's fields)
    (
        "en_review_gastric_io",
        "Table 1: 'Median OS, months' spans 'Anti-PD-1 | Control'; 'CheckMate 649 | CPS ≥5 | 14.4"
        " | 11.1 | 0.71 (0.59–0.86)*'",
        dict(kind="outcome", endpoint="OS", value=11.1, trial="CHECKMATE-649"),
        dict(arm="Control", arm_role="control", stat="median", unit="month"),
    ),
    (
        "en_review_gastric_io",
        "Table 1: 'KEYNOTE-859 | All randomized | … | ORR, % 51 | 42' — the whole population",
        dict(kind="outcome", endpoint="ORR", value=51.0, trial="KEYNOTE-859"),
        dict(arm="Anti-PD-1", arm_role="experimental", subgroup=None, unit="percent"),
    ),
    (
        "zh_review_gastric_immunotherapy",
        "表1: the 人群 column 'CPS≥10' is the subgroup of the row's HR: 'KEYNOTE-859 | CPS≥10 |"
        " – | 15.7 | 11.8 | 0.65（0.53～0.79） | –'",
        dict(kind="effect", endpoint="OS", value=0.65, trial="KEYNOTE-859"),
        dict(subgroup="CPS≥10", measure="HR", ci_low=0.53, ci_high=0.79, p_value=None),
    ),
    (
        "en_review_nsclc_first_line",
        "Table 1: arms column, 'KEYNOTE-407 | Pembrolizumab + CP | …' then ' | Placebo + CP | | "
        "11.3' (the trial cell left empty)",
        dict(kind="outcome", endpoint="OS", value=11.3),
        dict(trial="KEYNOTE-407", arm="Placebo + CP", arm_role="control"),
    ),
    (
        "en_review_nsclc_first_line",
        "Table 2: 'Grade' column, ' | 3–5* | 26.6 | 53.3' under KEYNOTE-024's 'Any*' row",
        dict(kind="outcome", endpoint="AE", value=26.6),
        dict(trial="KEYNOTE-024", grade=">=3", arm="Experimental", arm_role="experimental"),
    ),
    (
        "zh_review_gastric_immunotherapy",
        "表1: 中位OS（月） spans 试验组 | 对照组; 'KEYNOTE-859 | CPS≥10 | – | 15.7 | 11.8'",
        dict(kind="outcome", endpoint="OS", value=11.8, trial="KEYNOTE-859"),
        dict(arm="对照组", arm_role="control", subgroup="CPS≥10"),
    ),
    (
        "zh_review_gastric_immunotherapy",
        "表1: 人群 全人群 is no subgroup: 'ATTRACTION-2 | 全人群 | 493 | … | 0.63（0.51～0.78）'",
        dict(kind="effect", endpoint="OS", value=0.63, trial="ATTRACTION-2"),
        dict(subgroup=None, p_value=0.0001, p_qualifier="<"),
    ),
]


@pytest.mark.parametrize("suffix", [".md", ".pdf"])
@pytest.mark.parametrize(
    ("stem", "where", "key", "expected"), REVIEW_CASES, ids=[c[1][:40] for c in REVIEW_CASES]
)
def test_a_composed_review_table_cell_becomes_a_record(suffix, stem, where, key, expected):
    """The tables of the corpus's composed reviews, read from the Markdown source (its
    ``::: table`` block) and from the rendered PDF alike."""
    path = COMPOSED / f"{stem}{suffix}"
    found = _table(path, **key)
    assert len(found) == 1, f"{path.name} {where}: {len(found)} records for {key}"
    rec = found[0]
    for k, v in expected.items():
        assert getattr(rec, k) == v, f"{path.name} {where}: {k} is {getattr(rec, k)!r}, not {v!r}"
