"""Evaluation I/O: loading gold and predictions, the report files, baseline comparison, CLI entry."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from extract.errors import RecordError
from extract.evaluate import evaluate, gold_to_records
from extract.report import (
    EvaluationInputError,
    compare_metrics,
    evaluate_command,
    load_gold_dir,
    load_metrics,
    load_predictions,
    metrics_dict,
    pair_documents,
    pointer,
    render_comparison,
    resolve_pointer,
    score_files,
    write_report,
)

SENT_KN = (
    "帕博利珠单抗联合化疗对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月； "
    "$P < 0.0001$ ； $HR = 0.73$ ；95%CI: 0.62~0.86）"
)
SENT_ESO = "两个组别的中位无进展生存期(mPFS)分别为15.3和6.4个月($P < 0.0001$)"
SENT_EN = (
    "Median OS was 12.4 months with pembrolizumab plus chemotherapy (HR 0.73; 95% CI 0.62 to 0.86)."
)

OS_EXP = {"kind": "outcome", "endpoint": "OS", "stat": "median", "value": 12.4, "unit": "month"}
OS_CTL = {**OS_EXP, "value": 9.8}
HR = {"kind": "effect", "endpoint": "OS", "measure": "HR", "value": 0.73, "p_value": 0.0001}
PFS = {"kind": "outcome", "endpoint": "PFS", "stat": "median", "value": 15.3, "unit": "month"}

SEED_GOLD = [
    {"kind": "trial", "name": "KEYNOTE-590", "lang": "zh", "text": SENT_KN, "page": 2},
    {
        **OS_EXP,
        "lang": "zh",
        "trial": "KEYNOTE-590",
        "arm_role": "experimental",
        "text": SENT_KN,
        "page": 2,
    },
    {**OS_CTL, "lang": "zh", "trial": "KEYNOTE-590", "arm_role": "control", "page": 2},
    {
        **HR,
        "lang": "zh",
        "trial": "KEYNOTE-590",
        "ci_low": 0.62,
        "ci_high": 0.86,
        "p_qualifier": "<",
        "subgroup": None,
        "text": SENT_KN,
        "page": 2,
    },
    {
        **PFS,
        "lang": "zh",
        "trial": "ESO-SHANGHAI-13",
        "arm_role": "experimental",
        "text": SENT_ESO,
        "page": 3,
    },
    {
        "kind": "outcome",
        "endpoint": "OS",
        "stat": "median",
        "value": 1,
        "unit": "year",
        "qualifier": "<",
        "lang": "zh",
        "optional": True,
    },
]
EN_GOLD = [
    {"kind": "trial", "name": "KEYNOTE-590", "lang": "en"},
    {**OS_EXP, "lang": "en", "trial": "KEYNOTE-590", "text": SENT_EN, "page": 1},
]


def _rec(doc_id: str, n: int, fields: dict, text: str, page: int, lang: str = "zh") -> dict:
    return {
        "id": f"{doc_id}-{n}",
        "doc_id": doc_id,
        "lang": lang,
        "evidence": [{"page": page, "start": 0, "end": len(text), "text": text}],
        **fields,
    }


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> dict[str, Path]:
    """A gold dir and a pipeline output dir shaped like the real ones."""
    gold = tmp_path / "corpus" / "gold"
    _write_jsonl(gold / "000_seed.jsonl", SEED_GOLD)
    _write_jsonl(gold / "en_review.jsonl", EN_GOLD)
    _write_jsonl(gold / "negative_qualitative.jsonl", [])
    _write_jsonl(gold / "not_run.jsonl", [{"kind": "trial", "name": "JCOG0807", "lang": "zh"}])
    # a second curation lives in a subdirectory and must not be read as gold
    _write_jsonl(gold / "curator_b" / "000_seed.jsonl", [{"kind": "bogus"}])
    (gold / "NOTES.md").write_text("notes\n", "utf-8")

    out = tmp_path / "outputs"
    documents = [
        {
            "doc_id": "aaaa",
            "path": "corpus/seed/000_seed.txt",
            "stem": "000_seed",
            "pages": 5,
            "lang": "zh",
            "status": "ok",
            "error": None,
        },
        {
            "doc_id": "bbbb",
            "path": "/home/someone/checkout/corpus/seed/000_seed.pdf",
            "stem": "000_seed",
            "pages": 4,
            "lang": "zh",
            "status": "ok",
            "error": None,
        },
        {
            "doc_id": "cccc",
            "path": "corpus/composed/en_review.pdf",
            "stem": "en_review",
            "pages": 2,
            "lang": "en",
            "status": "ok",
            "error": None,
        },
        {
            "doc_id": "dddd",
            "path": "corpus/real/negative_qualitative.pdf",
            "stem": "negative_qualitative",
            "pages": 9,
            "lang": "en",
            "status": "ok",
            "error": None,
        },
        {
            "doc_id": "eeee",
            "path": "corpus/real/no_gold.pdf",
            "stem": "no_gold",
            "pages": 1,
            "lang": "en",
            "status": "failed",
            "error": "encrypted",
        },
    ]
    records = [
        # the .txt: everything right but the control arm's role
        _rec("aaaa", 1, {"kind": "trial", "name": "KEYNOTE 590"}, SENT_KN, 2),
        _rec("aaaa", 2, {**OS_EXP, "trial": "KEYNOTE-590", "arm_role": "experimental"}, SENT_KN, 2),
        _rec("aaaa", 3, {**OS_CTL, "trial": "KEYNOTE-590", "arm_role": "experimental"}, SENT_KN, 2),
        _rec(
            "aaaa",
            4,
            {**HR, "trial": "KEYNOTE-590", "ci_low": 0.62, "ci_high": 0.86, "p_qualifier": "<"},
            SENT_KN,
            2,
        ),
        _rec(
            "aaaa", 5, {**PFS, "trial": "ESO-SHANGHAI-13", "arm_role": "experimental"}, SENT_ESO, 3
        ),
        _rec(
            "aaaa",
            6,
            {
                "kind": "outcome",
                "endpoint": "OS",
                "stat": "median",
                "value": 1,
                "unit": "year",
                "qualifier": "<",
            },
            "中位总生存期亦不足一年",
            2,
        ),
        # the .pdf: the trial, a false positive (PD-L1 is not a trial) and nothing else
        _rec("bbbb", 1, {"kind": "trial", "name": "KEYNOTE-590"}, SENT_KN, 1),
        _rec("bbbb", 2, {"kind": "trial", "name": "PD-L1"}, "PD-L1 CPS ≥ 10 的食管鳞癌", 1),
        # the English review: the outcome with the wrong trial
        _rec("cccc", 1, {"kind": "trial", "name": "KEYNOTE-590"}, SENT_EN, 1, "en"),
        _rec("cccc", 2, {**OS_EXP, "trial": "KEYNOTE-189"}, SENT_EN, 1, "en"),
        # the negative control: one false positive
        _rec("dddd", 1, {**HR, "value": 0.5}, "The odds were halved (OR 0.5).", 4, "en"),
    ]
    _write_jsonl(out / "documents.jsonl", documents)
    _write_jsonl(out / "records.jsonl", records)
    return {"gold": gold, "out": out, "records": out / "records.jsonl"}


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=140, color_system=None), buf


# --------------------------------------------------------------------------- loading


def test_load_gold_dir_reads_top_level_files_by_stem(corpus):
    gold = load_gold_dir(corpus["gold"])
    assert sorted(gold) == ["000_seed", "en_review", "negative_qualitative", "not_run"]
    assert len(gold["000_seed"]) == 6 and gold["negative_qualitative"] == []
    assert "arm_role" not in gold["000_seed"][0].model_fields_set


def test_malformed_gold_line_names_file_line_field_and_allowed_values(tmp_path):
    bad = _write_jsonl(
        tmp_path / "bad.jsonl",
        [EN_GOLD[0], {**OS_EXP, "lang": "zh", "endpoint": "总生存期"}],
    )
    with pytest.raises(RecordError) as e:
        load_gold_dir(tmp_path)
    msg = str(e.value)
    assert f"{bad}:2" in msg and "endpoint" in msg and "'总生存期'" in msg
    assert "'OS'" in msg and "'PFS'" in msg


def test_gold_line_that_is_not_json_names_the_line(tmp_path):
    (tmp_path / "g.jsonl").write_text('{"kind": "trial", "name": "X", "lang": "en"}\n\n{oops\n')
    with pytest.raises(RecordError, match=r"g\.jsonl:3: not valid JSON"):
        load_gold_dir(tmp_path)


def test_gold_record_with_unknown_field_is_rejected(tmp_path):
    _write_jsonl(tmp_path / "g.jsonl", [{**EN_GOLD[0], "confidence": 0.9}])
    with pytest.raises(RecordError, match=r"g\.jsonl:1: (trial\.)?confidence: unknown field"):
        load_gold_dir(tmp_path)


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_unusable_gold_dir(tmp_path, make):
    path = tmp_path / "gold"
    if make == "empty":
        path.mkdir()
    with pytest.raises(EvaluationInputError, match="gold"):
        load_gold_dir(path)


def test_load_predictions_reads_documents_beside_records(corpus):
    pred = load_predictions(corpus["records"])
    assert [d.doc_id for d in pred.documents] == ["aaaa", "bbbb", "cccc", "dddd", "eeee"]
    assert len(pred.records["aaaa"]) == 6 and pred.records["eeee"] == []
    assert load_predictions(corpus["out"]).records.keys() == pred.records.keys()


def test_predictions_need_documents_jsonl(corpus):
    (corpus["out"] / "documents.jsonl").unlink()
    with pytest.raises(EvaluationInputError, match="documents.jsonl"):
        load_predictions(corpus["records"])


def test_record_of_an_unknown_document_is_an_error(corpus):
    with corpus["records"].open("a", encoding="utf-8") as f:
        f.write(json.dumps(_rec("zzzz", 1, {"kind": "trial", "name": "X"}, "X", 1)) + "\n")
    with pytest.raises(EvaluationInputError, match=r"records\.jsonl:12: doc_id 'zzzz'"):
        load_predictions(corpus["records"])


def test_documents_are_paired_with_gold_by_stem(corpus):
    paired = pair_documents(load_gold_dir(corpus["gold"]), load_predictions(corpus["records"]))
    # keyed by file name, so a stored baseline compares across checkouts
    assert sorted(paired.gold) == [
        "000_seed.pdf",
        "000_seed.txt",
        "en_review.pdf",
        "negative_qualitative.pdf",
        "not_run",
    ]
    assert paired.info["000_seed.pdf"]["path"] == "/home/someone/checkout/corpus/seed/000_seed.pdf"
    # the seed's .txt and .pdf are scored separately against the same gold
    assert paired.gold["000_seed.txt"] == paired.gold["000_seed.pdf"]
    assert "not_run" not in paired.pred  # gold nobody predicted: scored as an empty prediction
    assert paired.info["not_run"]["status"] == "not predicted"
    assert "no_gold.pdf" in paired.pred  # predicted, but no gold: not scored


def test_a_skipped_gold_file_beside_the_documents_is_no_prediction(corpus):
    """`extract run` over a folder that holds its own gold/ lists each gold .jsonl as skipped, with
    the stem of the document it scores: that must not pair as a second, empty prediction (it
    halved the held-out recall)."""
    docs = (corpus["out"] / "documents.jsonl").read_text().splitlines()
    docs.append(
        json.dumps(
            {
                "doc_id": None,
                "path": "corpus/gold/en_review.jsonl",
                "stem": "en_review",
                "status": "skipped",
                "error": "not a document type extract reads (.jsonl)",
            }
        )
    )
    (corpus["out"] / "documents.jsonl").write_text("\n".join(docs) + "\n")
    paired = pair_documents(load_gold_dir(corpus["gold"]), load_predictions(corpus["records"]))
    assert [k for k in paired.gold if paired.info[k]["stem"] == "en_review"] == ["en_review.pdf"]


def test_documents_sharing_a_file_name_keep_their_paths_as_keys(corpus):
    docs = [json.loads(x) for x in (corpus["out"] / "documents.jsonl").read_text().splitlines()]
    docs.append({**docs[0], "doc_id": "ffff", "path": "corpus/composed/000_seed.txt"})
    docs.append({**docs[0], "doc_id": "gggg"})  # same path again
    _write_jsonl(corpus["out"] / "documents.jsonl", docs)
    paired = pair_documents(load_gold_dir(corpus["gold"]), load_predictions(corpus["records"]))
    assert {k for k in paired.gold if "000_seed.txt" in k} == {
        "corpus/composed/000_seed.txt",
        "corpus/seed/000_seed.txt [aaaa]",
        "corpus/seed/000_seed.txt [gggg]",
    }
    assert len(paired.pred["corpus/seed/000_seed.txt [aaaa]"]) == 6


# --------------------------------------------------------------------------- scores on files


def test_scores_from_files(corpus):
    s = score_files(corpus["gold"], corpus["records"])
    txt = s.by_doc["000_seed.txt"]
    assert txt["all"].loose.f1 == 1.0  # the optional "不足一年" is absorbed, not a FP
    assert (txt["outcome"].strict.tp, txt["outcome"].strict.fn) == (2, 1)
    pdf = s.by_doc["000_seed.pdf"]
    assert (pdf["trial"].loose.tp, pdf["trial"].loose.fp, pdf["all"].loose.fn) == (1, 1, 4)
    assert s.by_doc["not_run"]["all"].loose.recall == 0.0
    assert s.by_doc["negative_qualitative.pdf"]["all"].loose.precision == 0.0
    assert s.unscored == ["no_gold.pdf"]
    assert s.field_failures["outcome"]["arm_role"] == 1
    assert s.field_failures["outcome"]["trial"] == 1
    assert s.documents["000_seed.pdf"]["doc_id"] == "bbbb"


def test_scope_scores_only_the_pages_a_gold_file_covers(corpus):
    # the seed's gold covers page 2 only (KEYNOTE-590); its ESO-SHANGHAI-13 line on page 3,
    # the PDF's trial and false positive on page 1 are out of scope
    (corpus["gold"] / "scope.json").write_text(
        json.dumps({"about": "results pages curated", "pages": {"000_seed": [2]}}), "utf-8"
    )
    s = score_files(corpus["gold"], corpus["records"])
    txt = s.by_doc["000_seed.txt"]
    assert (txt["outcome"].strict.tp, txt["outcome"].strict.fn) == (1, 1)  # PFS on p3 not scored
    assert txt["trial"].loose.tp == 1
    pdf = s.by_doc["000_seed.pdf"]
    # every prediction of the PDF is on page 1: none is a false positive; the four page-2
    # gold records are its misses
    assert (pdf["all"].loose.tp, pdf["all"].loose.fp, pdf["all"].loose.fn) == (0, 0, 4)
    assert s.documents["000_seed.pdf"]["scope_pages"] == [2]
    # stems the scope does not list are scored whole
    assert s.by_doc["negative_qualitative.pdf"]["all"].loose.fp == 1
    assert "scope_pages" not in s.documents["negative_qualitative.pdf"]


def test_without_scope_every_page_counts(corpus):
    s = score_files(corpus["gold"], corpus["records"])
    assert s.by_doc["000_seed.txt"]["outcome"].strict.tp == 2
    assert "scope_pages" not in s.documents["000_seed.txt"]


@pytest.mark.parametrize(
    "content",
    ['{"pages": {"000_seed": []}}', '{"pages": {"000_seed": ["2"]}}', '{"pages": [2]}', "{nope"],
)
def test_malformed_scope_names_the_file(corpus, content):
    (corpus["gold"] / "scope.json").write_text(content, "utf-8")
    with pytest.raises(EvaluationInputError, match=r"scope\.json"):
        score_files(corpus["gold"], corpus["records"])


def test_gold_dir_as_prediction_scores_one_everywhere(corpus):
    s = score_files(corpus["gold"], corpus["gold"])
    m = metrics_dict(s)
    ratios = [v for p, v in _walk(m) if p.rsplit("/", 1)[-1] in {"precision", "recall", "f1"}]
    assert ratios and all(v == 1.0 for v in ratios)
    assert s.summary.false_positive == s.summary.false_negative == 0


def _walk(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, path + pointer(k))
    else:
        yield path, obj


# --------------------------------------------------------------------------- report files


class _MetricCells(HTMLParser):
    """Collect (data-metric, text) and the text of numeric cells without one."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None, bool]] = []
        self.found: list[list[str]] = []
        self.untagged_numbers: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        numeric = "num" in (a.get("class") or "").split() and tag in {"td", "text", "span"}
        self.stack.append((tag, a.get("data-metric"), numeric))
        if a.get("data-metric") is not None:
            self.found.append([a["data-metric"], ""])
        elif numeric:
            self.untagged_numbers.append(tag)

    def handle_endtag(self, tag):
        while self.stack:
            t, _, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if any(m is not None for _, m, _ in self.stack) and self.found:
            self.found[-1][1] += data


def _assert_matches_metrics(pairs: list[tuple[str, str]], metrics: dict) -> None:
    for ptr, text in pairs:
        value = resolve_pointer(metrics, ptr)
        assert isinstance(value, (int, float)), ptr
        if isinstance(value, int) and not isinstance(value, bool) and "." not in text:
            assert int(text) == value, ptr
        else:
            assert text == f"{value:.3f}", (ptr, text, value)


def test_write_report_files(corpus, tmp_path):
    s = score_files(corpus["gold"], corpus["records"])
    paths = write_report(s, tmp_path / "eval")
    assert sorted(p.name for p in paths.values()) == [
        "errors.jsonl",
        "errors.md",
        "metrics.json",
        "report.html",
    ]
    metrics = json.loads(paths["metrics.json"].read_text("utf-8"))
    assert metrics == json.loads(json.dumps(metrics_dict(s)))
    assert metrics["overall"]["outcome"]["strict"]["f1"] == s.overall["outcome"].strict.f1
    assert "errors" not in metrics

    lines = paths["errors.jsonl"].read_text("utf-8").splitlines()
    assert (
        len(lines)
        == len(s.errors)
        == (s.summary.false_positive + s.summary.false_negative + s.summary.strict_mismatch)
    )
    first = json.loads(lines[0])
    assert {"type", "doc", "kind", "key", "text", "page", "gold", "pred"} <= set(first)

    md = paths["errors.md"].read_text("utf-8")
    assert "## 000_seed.txt" in md
    assert (
        '**mismatch** `OS median 9.8 month` (zh) p. 2 — arm_role: "control" → "experimental"' in md
    )
    assert "**FP** `PD-L1` (zh) p. 1 — “PD-L1 CPS ≥ 10 的食管鳞癌”" in md
    assert "no_gold.pdf" in md  # listed as not scored

    html = paths["report.html"].read_text("utf-8")
    assert "食管鳞癌" in html  # Chinese stays readable, not escaped
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html and "@import" not in html
    parser = _MetricCells()
    parser.feed(html)
    assert parser.untagged_numbers == []
    assert len(parser.found) > 100
    _assert_matches_metrics([(p, t) for p, t in parser.found], metrics)
    pointers = {p for p, _ in parser.found}
    for must in (
        "/overall/all/strict/f1",
        "/overall/effect/loose/f1",
        "/by_lang/zh/outcome/strict/f1",
        "/by_lang/en/all/loose/f1",
        "/field_failures/all/arm_role",
        pointer("by_doc", "000_seed.pdf", "all", "strict", "f1"),
    ):
        assert must in pointers, must


def test_report_of_a_perfect_run_says_so(corpus, tmp_path):
    s = score_files(corpus["gold"], corpus["gold"])
    html = write_report(s, tmp_path)["report.html"].read_text("utf-8")
    assert "No strict mismatches" in html
    assert "No false positive, false negative or strict mismatch" in html


def test_report_renders_in_a_browser_and_its_numbers_match_metrics(corpus, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    s = score_files(corpus["gold"], corpus["records"])
    paths = write_report(s, tmp_path / "eval")
    metrics = json.loads(paths["metrics.json"].read_text("utf-8"))
    requests: list[str] = []
    console_errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
            page.goto(paths["report.html"].as_uri())
            assert page.title() == "Evaluation report"
            shown = page.eval_on_selector_all(
                "[data-metric]",
                "els => els.map(e => [e.getAttribute('data-metric'), e.textContent.trim(),"
                " e.getBoundingClientRect().width > 0])",
            )
            charts = page.eval_on_selector_all(
                "svg",
                "els => els.map(e => [e.getAttribute('aria-label'),"
                " e.getBoundingClientRect().width, e.getBoundingClientRect().height,"
                " e.querySelectorAll('rect').length])",
            )
            bar = page.eval_on_selector(
                "rect.bar-strict",
                "e => [getComputedStyle(e).fill, e.getBBox().height]",
            )
        finally:
            browser.close()
    assert requests == [paths["report.html"].as_uri()]  # nothing fetched from anywhere else
    assert console_errors == []
    assert len(shown) > 100 and all(visible for _, _, visible in shown)
    _assert_matches_metrics([(p, t) for p, t, _ in shown], metrics)
    labels = [c[0] for c in charts]
    assert labels == [
        "All languages",
        "Language: en",
        "Language: zh",
        "Genre: unspecified",  # the test corpus has no genres.json
        "strict field failures",
        "F1 per document",
    ]
    assert all(w > 100 and h > 50 and rects >= 2 for _, w, h, rects in charts)
    assert bar[0] == "rgb(33, 113, 181)" and bar[1] > 0  # the strict bars are drawn, filled


# --------------------------------------------------------------------------- baseline


def test_compare_metrics_reports_improvements_and_regressions(corpus):
    base = metrics_dict(score_files(corpus["gold"], corpus["records"]))
    # the next run fixes the control arm and the English trial, loses the seed PDF's trial
    records = corpus["records"].read_text("utf-8")
    records = records.replace(
        '"value": 9.8, "unit": "month", "trial": "KEYNOTE-590", "arm_role": "experimental"',
        '"value": 9.8, "unit": "month", "trial": "KEYNOTE-590", "arm_role": "control"',
    ).replace('"KEYNOTE-189"', '"KEYNOTE-590"')
    records = (
        "\n".join(line for line in records.splitlines() if '"id": "bbbb-1"' not in line) + "\n"
    )
    corpus["records"].write_text(records, "utf-8")
    cur = score_files(corpus["gold"], corpus["records"])
    changes = {c.path: c for c in compare_metrics(cur, base)}
    assert changes["/overall/outcome/strict/f1"].status == "improved"
    assert changes["/field_failures/outcome/arm_role"].status == "improved"
    assert changes["/field_failures/outcome/arm_role"].delta == -1
    assert changes["/overall/trial/loose/recall"].status == "regressed"
    seed_pdf = pointer("by_doc", "000_seed.pdf", "trial", "loose", "f1")
    assert changes[seed_pdf].status == "regressed"
    assert "/overall/effect/loose/f1" not in changes  # unchanged

    text = render_comparison(list(changes.values()))
    assert text.startswith("Against the baseline: ")
    assert "Regressed:\n" in text and "Improved:\n" in text
    assert re.search(r"/overall/outcome/strict/f1 +0\.364 → 0\.727 +\(\+0\.364\)", text)
    assert re.search(r"/field_failures/outcome/arm_role +1 → 0 +\(-1\)", text)
    assert text.index("Regressed:") < text.index("Improved:")


def test_compare_with_itself_is_no_change(corpus):
    s = score_files(corpus["gold"], corpus["records"])
    assert compare_metrics(s, metrics_dict(s)) == []
    assert render_comparison([]) == "No change against the baseline."


def test_new_document_is_reported_once_as_added(corpus):
    s = score_files(corpus["gold"], corpus["records"])
    base = metrics_dict(s)
    del base["by_doc"]["not_run"]
    changes = compare_metrics(s, base)
    assert {c.status for c in changes} == {"added"}
    assert render_comparison(changes).splitlines()[-2:] == ["Added:", "  /by_doc/not_run"]


# --------------------------------------------------------------------------- the command


def test_evaluate_command_prints_summary_and_writes_report(corpus, tmp_path):
    console, buf = _console()
    code = evaluate_command(corpus["gold"], corpus["records"], tmp_path / "eval", console=console)
    out = buf.getvalue()
    assert code == 0
    assert "Evaluation over 5 documents" in out
    # outcomes: 4 loose TP (2 strict), 3 FN on the seed PDF, which found none
    # columns: loose F1, strict P / R / F1, loose TP / FP / FN
    assert re.search(r"outcome +0\.727 +0\.500 +0\.286 +0\.364 +4 +0 +3", out)
    assert re.search(r"en \(all\) +0\.800 ", out)
    assert "Fields failing most: arm_role 1, trial 1" in out
    assert "Not scored (no gold): no_gold.pdf" in out
    assert (tmp_path / "eval" / "report.html").is_file()


def test_evaluate_command_compares_with_baseline(corpus, tmp_path):
    s = score_files(corpus["gold"], corpus["gold"])
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps(metrics_dict(s)), "utf-8")
    assert load_metrics(base)["schema"] == "extract.metrics/1"
    console, buf = _console()
    assert evaluate_command(corpus["gold"], corpus["records"], baseline=base, console=console) == 0
    out = buf.getvalue()
    assert "Against the baseline:" in out and "regressed" in out
    assert "Improved:" not in out


def test_evaluate_command_gold_against_itself(corpus):
    console, buf = _console()
    assert evaluate_command(corpus["gold"], corpus["gold"], console=console) == 0
    assert "0 false negatives, 0 false positives, 0 strict mismatches" in buf.getvalue()


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("no_gold_dir", "gold directory not found"),
        ("bad_gold", "000_seed.jsonl:1: outcome.stat: 'average' is not allowed; allowed: 'median'"),
        ("no_pred", "prediction file not found"),
        ("bad_record", "records.jsonl:1: trial.lang: 'fr' is not allowed; allowed: 'zh' or 'en'"),
        ("bad_baseline", "baseline.json:1: not valid JSON"),
        ("not_metrics", "not a metrics file"),
    ],
)
def test_evaluate_command_unreadable_input_exits_2(corpus, tmp_path, breakage, message):
    gold, pred, baseline = corpus["gold"], corpus["records"], None
    if breakage == "no_gold_dir":
        gold = tmp_path / "nowhere"
    elif breakage == "bad_gold":
        _write_jsonl(gold / "000_seed.jsonl", [{**OS_EXP, "stat": "average", "lang": "zh"}])
    elif breakage == "no_pred":
        pred = tmp_path / "outputs" / "nothing.jsonl"
    elif breakage == "bad_record":
        _write_jsonl(pred, [_rec("aaaa", 1, {"kind": "trial", "name": "X"}, "X", 1, "fr")])
    elif breakage == "bad_baseline":
        baseline = tmp_path / "baseline.json"
        baseline.write_text("{not json", "utf-8")
    elif breakage == "not_metrics":
        baseline = tmp_path / "baseline.json"
        baseline.write_text("[]", "utf-8")
    console, buf = _console()
    code = evaluate_command(gold, pred, tmp_path / "eval", baseline=baseline, console=console)
    assert code == 2
    assert message in buf.getvalue().replace("\n", "")
    assert not (tmp_path / "eval").exists()


def test_agreement_of_two_curation_dirs(corpus, tmp_path):
    # curator B read the control arm's value as 9.9 and left out the English review's trial
    b_dir = tmp_path / "curator_b"
    b_seed = [dict(r) for r in SEED_GOLD]
    b_seed[2]["value"] = 9.9
    _write_jsonl(b_dir / "000_seed.jsonl", b_seed)
    _write_jsonl(b_dir / "en_review.jsonl", EN_GOLD[1:])
    a = load_gold_dir(corpus["gold"])
    b = load_gold_dir(b_dir)
    s = evaluate(b, gold_to_records({k: a[k] for k in b}))
    assert (s.overall["all"].loose.tp, s.overall["all"].loose.fp, s.overall["all"].loose.fn) == (
        5,
        2,
        1,
    )
