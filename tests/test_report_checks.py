"""``report.html`` shows the predictions' consistency flags and the forest plot of their ratios.

PMC5013640's text gives "HGF above 8.9 (ln scale; HR = 2.67 [1.08, 3.70]; p = 0.027)" where its
own table gives 2.00 (1.08, 3.70): the pipeline reads both, and the report must list the flagged
one with its sentence and draw it in red among the other ratios.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from corpus_paths import CORPUS, GOLD

from extract.pipeline import run
from extract.report import load_predictions, score_files, write_report


def test_the_report_lists_flagged_predictions_and_draws_their_ratios(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(GOLD / "PMC5013640.jsonl", gold)
    out = tmp_path / "out"
    run([CORPUS / "real_text" / "en_pmc" / "PMC5013640.txt"], out)
    scores = score_files(gold, out / "records.jsonl")
    html = write_report(scores, tmp_path / "eval", load_predictions(out / "records.jsonl"))[
        "report.html"
    ]
    page = html.read_text("utf-8")
    checks = re.search(r'<section id="checks">(.*?)</section>', page, re.S).group(1)
    flagged = re.findall(r'<tr class="flagged-record">(.*?)</tr>', checks, re.S)
    assert any("ci_not_log_symmetric" in row and "HR = 2.67 [1.08, 3.70]" in row for row in flagged)
    assert re.search(r'data-check="ci_not_log_symmetric">[1-9]', checks)
    forest = re.search(r'<section id="forest">(.*?)</section>', page, re.S).group(1)
    assert forest.count('class="forest-row') >= 5
    assert (
        'class="forest-row flagged" data-estimate="2.67" data-low="1.08" data-high="3.7"' in forest
    )
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # still nothing from outside


def test_without_predictions_the_report_has_no_check_section(tmp_path):
    scores = score_files(GOLD, GOLD)
    page = write_report(scores, tmp_path)["report.html"].read_text("utf-8")
    assert 'id="checks"' not in page and 'id="forest"' not in page


def test_the_reports_forest_plot_renders_in_a_browser(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no chromium")
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(GOLD / "en_review_gastric_io.jsonl", gold)
    out = tmp_path / "out"
    run([CORPUS / "composed" / "en_review_gastric_io.md"], out)
    scores = score_files(gold, out / "records.jsonl")
    html = write_report(scores, tmp_path / "eval", load_predictions(out / "records.jsonl"))[
        "report.html"
    ]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(html.as_uri())
        svg = page.locator("#forest svg.forest")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 200
        rows = page.locator("#forest g.forest-row")
        assert rows.count() >= 10  # the review's HRs: ATTRACTION-2, CheckMate 649, KEYNOTE-859 …
        first = rows.first.locator("rect").bounding_box()
        assert first is not None and first["width"] > 3  # each estimate is drawn, not only listed
        browser.close()
