"""One trial across a Chinese and an English review, in the curation app and its exports.

The store holds the composed gastric-cancer reviews in both languages (each reports ORIENT-16,
KEYNOTE-859, CheckMate 649 … from its own wording), a PMC report that registers itself under
UMIN000001496 without naming its study, and a PMC report whose text gives "HR = 2.67 [1.08,
3.70]" where its table gives 2.00 (a flagged ratio). The trial page must put the two reviews'
values side by side, highlight where they differ — the Chinese review rounds ORIENT-16's CPS ≥ 5
P to 0.002, the English one says 0.0023 — and link each value to its evidence; the forest plots
must mark the flagged ratio. The screenshot is the README's ``docs/forest.png``.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest
from curate_support import BROWSER_TEST, PASSWORD, ROOT, browser_login, watch_errors

DOCS = ROOT / "docs"
ZH = ROOT / "corpus" / "composed" / "zh_review_gastric_immunotherapy.md"
EN = ROOT / "corpus" / "composed" / "en_review_gastric_io.md"
UMIN = ROOT / "corpus" / "real_text" / "en_pmc" / "PMC4317950.txt"
TYPO = ROOT / "corpus" / "real_text" / "en_pmc" / "PMC5013640.txt"


@pytest.fixture(scope="module")
def trials_template(tmp_path_factory) -> Path:
    from extract.curate.auth import add_user
    from extract.curate.db import open_store
    from extract.pipeline import load_pipeline, process_document

    db = tmp_path_factory.mktemp("trials") / "extract.db"
    config = load_pipeline()
    with open_store(db) as store:
        for path in (ZH, EN, UMIN, TYPO):
            result = process_document(path, config)
            assert result.status == "ok", result.error
            store.save_result(result, config.version)
        add_user(store, "alice", PASSWORD)
    return db


@pytest.fixture
def db(trials_template: Path, tmp_path: Path) -> Path:
    """Overrides conftest's seed store: ``server``, ``app`` and ``store`` serve this one."""
    out = tmp_path / "extract.db"
    shutil.copy(trials_template, out)
    return out


def _orient16(store):
    from extract.trials import compare, find_trial

    entity = find_trial(store, "ORIENT-16")
    docs, rows = compare(entity)
    stems = {d: s for d, s, _ in docs}

    def row(what: str, subgroup: str, arm: str = "") -> dict[str, list]:
        (r,) = [
            r
            for r in rows
            if r.label["endpoint"] == "OS"
            and r.label["what"] == what
            and r.label["subgroup"] == subgroup
            and r.label["arm_role"] == arm
        ]
        return r, {
            stems[d]: sorted(
                (f.record["value"] if what != "HR" else f.record["p_value"] for f in fs),
                key=lambda x: (x is None, x or 0.0),
            )
            for d, fs in r.cells.items()
        }

    return entity, row


def test_a_trial_is_one_entity_across_a_chinese_and_an_english_review(store):
    entity, row = _orient16(store)
    assert entity.name == "ORIENT-16" and entity.languages == ["en", "zh"]
    assert {store.document(d).stem for d in entity.documents} == {ZH.stem, EN.stem}
    # whole population: both give HR 0.766, P=0.009 — agreement; each review's Table 1 gives
    # the HR again (the English one with no P column: it says less, not something else)
    r, cells = row("HR", "")
    assert cells == {ZH.stem: [0.009, 0.009], EN.stem: [0.009, None]} and not r.disagree
    # CPS ≥ 5 ("CPS≥5" / "a CPS of 5 or more"): same HR, P 0.002 against 0.0023 — a disagreement
    r, cells = row("HR", "cps>=5")
    assert cells == {ZH.stem: [0.002, 0.002], EN.stem: [0.0023, None]} and r.disagree


def test_a_curators_correction_ends_the_disagreement(store):
    entity, row = _orient16(store)
    r, _ = row("HR", "cps>=5")
    zh_hrs = [f for fs in r.cells.values() for f in fs if f.stem == ZH.stem]
    assert len(zh_hrs) == 2  # the text's and Table 1's: both say 0.002
    (zh_hr,) = [f for f in zh_hrs if f.record["source"] == "text"]
    stored = store.record(zh_hr.record_id)
    store.update_record(stored.id, {"p_value": 0.0023}, expected_version=stored.version)
    _, row = _orient16(store)
    r, cells = row("HR", "cps>=5")
    assert cells[ZH.stem] == [0.002, 0.0023] and r.disagree  # the table still says 0.002
    (zh_table,) = [f for fs in r.cells.values() for f in fs if f.record["p_value"] == 0.002]
    stored = store.record(zh_table.record_id)
    store.update_record(stored.id, {"p_value": 0.0023}, expected_version=stored.version)
    _, row = _orient16(store)
    r, cells = row("HR", "cps>=5")
    assert cells[ZH.stem] == [0.0023, 0.0023] and not r.disagree


def test_a_report_registered_without_a_trial_name_is_a_trial_by_its_registry_id(store):
    from extract.trials import find_trial

    entity = find_trial(store, "UMIN000001496")
    assert entity.registry == ["UMIN000001496"] and entity.name == "UMIN000001496"
    assert {store.document(d).stem for d in entity.documents} == {UMIN.stem}
    assert entity.results and all(f.via == "registry" for f in entity.results)


def test_the_trial_page_shows_both_reviews_side_by_side(client_factory, store):
    c = client_factory("alice")
    page = c.get("/trial/ORIENT16").text
    assert "ORIENT-16" in page and ZH.stem in page and EN.stem in page
    table = re.search(
        r'<table class="side-by-side" id="side-by-side">(.*?)</table>', page, re.S
    ).group(1)
    rows = re.findall(
        r'<tr class="([^"]*)" data-endpoint="OS" data-what="HR" data-subgroup="([^"]*)"(.*?)</tr>',
        table,
        re.S,
    )
    by_subgroup = {html.unescape(sub): (cls, body) for cls, sub, body in rows}
    cls, body = by_subgroup["cps>=5"]
    assert "disagree" in cls and "P=0.002" in body and "P=0.0023" in body
    cls, body = by_subgroup[""]
    assert "disagree" not in cls and body.count(">HR 0.766 (95% CI 0.626–0.936) P=0.009<") == 2
    # every value links to its record on its document's page
    for href in re.findall(r'<a class="val[^"]*" href="([^"]+)"', body):
        r = c.get(href.replace("&amp;", "&").split("#")[0])
        assert r.status_code == 200 and 'id="record"' in r.text
    assert c.get("/trial/NO-SUCH-TRIAL").status_code == 404


def test_the_trials_list_and_an_unknown_visitor(client_factory):
    anonymous = client_factory()
    assert anonymous.get("/trials", follow_redirects=False).status_code == 303  # log in first
    c = client_factory("alice")
    page = c.get("/trials").text
    for name in ("ORIENT-16", "KEYNOTE-859", "CHECKMATE-649", "UMIN000001496"):
        assert f">{name}</a>" in page
    assert re.search(
        r'data-trial="ORIENT16">.*?<span class="badge disagree-badge">\d+</span>', page, re.S
    )


def test_forest_plots_mark_flagged_ratios_and_load_nothing_from_outside(client_factory, store):
    c = client_factory("alice")
    page = c.get("/trials").text
    svg = re.search(r"<svg[^>]*class=\"forest\".*?</svg>", page, re.S).group(0)
    flagged = re.findall(r'<g class="forest-row flagged"[^>]*data-flags="([^"]*)"', svg)
    assert "ci_not_log_symmetric" in " ".join(flagged)  # PMC5013640's "HR = 2.67 [1.08, 3.70]"
    assert not re.search(r'(?:href|src)="(?:https?:)?//', svg)  # links stay in the app
    typo_doc = next(d.doc_id for d in store.documents() if d.stem == TYPO.stem)
    doc_page = c.get(f"/doc/{typo_doc}").text
    assert 'id="doc-forest"' in doc_page and 'class="forest-row flagged"' in doc_page


def test_trials_and_meta_exports(db, tmp_path):
    from typer.testing import CliRunner

    from extract.cli import app

    runner = CliRunner()
    out = tmp_path / "trials.csv"
    res = runner.invoke(app, ["export", "--db", str(db), "--format", "trials", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    (hr,) = [
        r
        for r in rows
        if r["trial"] == "ORIENT-16"
        and r["endpoint"] == "OS"
        and r["kind"] == "effect"
        and r["subgroup"] == ""
    ]
    assert hr["n_documents"] == "2" and hr["agree"] == "True"
    assert f"{ZH.stem}: HR 0.766" in hr["values"] and f"{EN.stem}: HR 0.766" in hr["values"]
    meta = tmp_path / "meta.csv"
    res = runner.invoke(app, ["export", "--db", str(db), "--format", "meta", "-o", str(meta)])
    assert res.exit_code == 0, res.output
    m = {
        (r["trial"], r["endpoint"], r["subgroup"]): r
        for r in csv.DictReader(meta.open(encoding="utf-8"))
    }
    r = m[("ORIENT-16", "OS", "")]
    # HR 0.766 (95% CI 0.626–0.936): yi = ln 0.766, sei = (ln 0.936 − ln 0.626) / (2 × 1.96)
    assert float(r["yi"]) == pytest.approx(-0.26657, abs=1e-5)
    assert float(r["sei"]) == pytest.approx(0.10262, abs=1e-5)
    assert r["n_documents"] == "2" and r["agree"] == "True"
    # CheckMate 649 all randomized: HR 0.80, 99.3% CI 0.68–0.94 — the SE uses z of 99.3%
    r = m[("CHECKMATE-649", "OS", "")]
    assert float(r["sei"]) == pytest.approx(0.06003, abs=1e-5)


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.js_errors = watch_errors(page)
    yield page
    context.close()


@BROWSER_TEST[0]
@BROWSER_TEST[1]
def test_the_trial_page_in_a_browser(server, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    browser_login(page, server)
    page.click("#trials-link")
    page.click("text=ORIENT-16")
    expect(page.locator("h1")).to_contain_text("ORIENT-16")
    table = page.locator("#side-by-side")
    expect(table.locator("thead th.doc-col")).to_have_count(2)
    agree = table.locator('tr[data-endpoint="OS"][data-what="HR"][data-subgroup=""]')
    expect(agree.locator("a.val")).to_have_count(4)  # each review's sentence and Table 1
    for i in range(4):
        expect(agree.locator("a.val").nth(i)).to_contain_text("HR 0.766")
    assert "disagree" not in (agree.get_attribute("class") or "")
    differ = table.locator('tr[data-endpoint="OS"][data-what="HR"][data-subgroup="cps>=5"]')
    expect(differ).to_have_class(re.compile(r"\bdisagree\b"))
    # the highlight is visible, not only a class name
    bg = differ.evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent", "rgb(255, 255, 255)"), bg
    texts = differ.locator("a.val").all_inner_texts()
    assert any("P=0.0023" in t for t in texts) and any(
        re.search(r"P=0\.002(?!3)", t) for t in texts
    )
    # the forest plot renders: one row per ratio, drawn with a box and a CI line
    forest = page.locator("#trial-forest svg.forest")
    expect(forest).to_be_visible()
    assert forest.locator("g.forest-row").count() >= 4
    assert forest.bounding_box()["height"] > 100
    # a value leads to its evidence on the document page
    href = differ.locator("a.val").nth(0).get_attribute("href")
    page.goto(server + href)
    expect(page.locator("#record blockquote.evidence").first).to_contain_text("0.505")
    # the store-wide plot marks the flagged ratio in red
    page.goto(server + "/trials")
    flagged = page.locator("#store-forest g.forest-row.flagged")
    assert flagged.count() >= 1
    assert flagged.first.locator("rect").get_attribute("fill") == "#c0392b"
    DOCS.mkdir(exist_ok=True)
    page.locator("#store-forest").screenshot(path=str(DOCS / "forest.png"))
    page.goto(server + "/trial/ORIENT16")
    page.screenshot(path=str(DOCS / "trial.png"), full_page=True)
    assert page.js_errors == []
