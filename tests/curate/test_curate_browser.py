"""The curation flow in a real browser (Debian's Chromium through Playwright).

A curator opens the seed review, finds a record highlighted, corrects a value,
reloads and finds it kept, sees it in the history, reverts it, corrects another
field, uses the keyboard, adds a record the pipeline missed by selecting text,
marks the document curated — and the exported gold holds the correction.
The document page is saved to ``outputs/curation-document.png`` on the way.
"""

from __future__ import annotations

import json

import pytest
from curate_support import BROWSER_TEST, PASSWORD, ROOT, doc_id_of, find_record, watch_errors

SCREENSHOT = ROOT / "outputs" / "curation-document.png"

pytestmark = BROWSER_TEST

# select [start, end) of the normalized text: every piece of #doctext carries its offset in data-o
SELECT_JS = """([start, end]) => {
  const pieces = [...document.querySelectorAll('#doctext [data-o]')];
  const at = (pos) => {
    for (const el of pieces) {
      const o = Number(el.dataset.o), n = el.textContent.length;
      if (pos >= o && pos <= o + n) return [el.firstChild, pos - o];
    }
    throw new Error('offset ' + pos + ' not in the text');
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(end));
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  const r = range.getBoundingClientRect();
  document.getElementById('doctext').dispatchEvent(new MouseEvent('mouseup', {
    bubbles: true, clientX: r.right, clientY: r.bottom}));
}"""


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.js_errors = watch_errors(page)
    yield page
    context.close()


def test_curator_flow_in_the_browser(server, browser_page, db, tmp_path):
    from playwright.sync_api import expect

    from extract.curate.db import open_store
    from extract.curate.gold import export_gold

    page = browser_page
    with open_store(db) as store:
        doc_id = doc_id_of(store, ".pdf")
        rec = find_record(
            store, doc_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
        )
        text = store.text(doc_id)

    # log in, open the document from the documents page
    page.goto(server + "/")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("table.docs")).to_contain_text("000_05e11c3b259efc19")
    page.click("text=000_05e11c3b259efc19")
    expect(page.locator("#doctext")).to_be_visible()

    # a highlighted record: click its highlight, pick it from the records listed there
    assert page.locator("#doctext mark.hl").count() > 10
    mark = page.locator("#doctext mark.hl", has_text="12.4个月").first
    mark.click()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("OS median 12.4 month · experimental")
    popover.locator("a", has_text="OS median 12.4 month · experimental").click()
    expect(page.locator("#record")).to_have_attribute("data-id", rec.id)
    expect(page.locator("#doctext mark.sel").first).to_be_visible()
    expect(page.locator(".evidence").first).to_contain_text("12.4个月")
    assert (
        page.locator("svg.pageimg rect.box.sel").count() > 0
    )  # the evidence outlined on the page image

    # correct a value; reload and find it kept; see it in the history
    page.fill("#f-value", "12.5")
    page.fill("#edit-reason", "checked against the figure")
    page.click("#save")
    expect(page.locator(".flash.ok")).to_have_text("Saved.")
    page.reload()
    expect(page.locator("#f-value")).to_have_value("12.5")
    expect(page.locator("#record-status")).to_have_text("edited")
    history = page.locator("#history")
    expect(history).to_contain_text("value")
    expect(history.locator("li.change").first).to_contain_text("12.4 → 12.5")
    expect(history).to_contain_text("by alice")
    expect(history).to_contain_text("checked against the figure")

    # revert it
    history.locator("button.revert").first.click()
    expect(page.locator(".flash.ok")).to_have_text("Reverted.")
    expect(page.locator("#f-value")).to_have_value("12.4")
    expect(page.locator("#history li.change").nth(1)).to_contain_text("reverted by")

    # a real correction: the arm's size
    page.fill("#f-n", "373")
    page.click("#save")
    expect(page.locator(".flash.ok")).to_have_text("Saved.")
    expect(page.locator("#f-n")).to_have_value("373")

    # keyboard: n goes to the next record, a accepts it and moves on
    page.locator("body").click(position={"x": 5, "y": 990})
    page.keyboard.press("n")
    expect(page.locator("#record")).not_to_have_attribute("data-id", rec.id)
    accepted_id = page.locator("#record").get_attribute("data-id")
    page.keyboard.press("a")
    expect(page.locator(".flash.ok")).to_have_text("Accepted.")
    expect(page.locator("#record")).not_to_have_attribute("data-id", accepted_id)

    # add a missing record from a text selection, pre-filled by the recognizers
    selection = "mOS约为12.4~17.2个月"
    start = text.index(selection)
    page.evaluate(SELECT_JS, [start, start + len(selection)])
    add = page.locator("#add-from-selection")
    expect(add).to_be_visible()
    add.click()
    expect(page.locator("#selection")).to_have_text(selection)
    expect(page.locator("#f-value")).to_have_value("12.4")
    expect(page.locator("#f-value_high")).to_have_value("17.2")
    expect(page.locator("#f-endpoint")).to_have_value("OS")
    expect(page.locator("#f-qualifier")).to_have_value("~")
    page.fill("#f-trial", "")  # a review-level summary, not one trial's result
    page.check("input[name=optional]")
    page.click("#add-record")
    expect(page.locator(".flash.ok")).to_have_text("Record added.")
    expect(page.locator("#record-status")).to_have_text("added")
    expect(page.locator("#history")).to_contain_text("added the record")

    # the document page with text highlights and the PDF page with the evidence box
    page.goto(f"{server}/doc/{doc_id}?r={rec.id}")
    expect(page.locator("#doctext mark.sel").first).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('svg.pageimg image');"
        " return i && i.getBBox().width > 0 && performance.getEntriesByType('resource')"
        ".some(e => e.name.includes('/page/') && e.responseEnd > 0); }"
    )
    page.wait_for_timeout(300)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 50_000

    # mark curated, export gold, find the correction and the added record
    page.click("#mark-done")
    expect(page.locator(".flash.ok")).to_contain_text("marked curated")
    assert not page.js_errors, page.js_errors
    with open_store(db) as store:
        report = export_gold(store, tmp_path / "gold")
    gold_file = tmp_path / "gold" / "000_05e11c3b259efc19.jsonl"
    assert str(gold_file) in report.written
    gold = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines()]
    corrected = [
        g
        for g in gold
        if g["kind"] == "outcome"
        and g.get("trial") == "KEYNOTE-590"
        and g["value"] == 12.4
        and g["endpoint"] == "OS"
    ]
    assert [g["n"] for g in corrected] == [373]
    added = [
        g
        for g in gold
        if g.get("value_high") == 17.2
        and g.get("optional")
        and g.get("trial") is None
        and g["qualifier"] == "~"
    ]
    assert len(added) == 1 and selection in added[0]["text"]
