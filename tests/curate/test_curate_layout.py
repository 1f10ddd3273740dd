"""The document page's layout in a real browser (Debian's Chromium through Playwright), at 1400 and 800 px.

What a curator notices, measured in the page: the PDF page fills its panel and
zooms (buttons and keys) with the evidence boxes staying on their words; a text
document gives the page panel's space to the text; at 800 px the record labels
are whole and the design menu is not cut off. The screenshots are the README's
``docs/curation.png`` (1400 px) and ``docs/curation-800.png``.
"""

from __future__ import annotations

import pytest
from curate_support import BROWSER_TEST, ROOT, browser_login, doc_id_of, find_record, watch_errors

pytestmark = BROWSER_TEST

DOCS = ROOT / "docs"

# the page image is in: its request has completed (an SVG <image> has no `complete` flag)
IMAGE_LOADED = """(part) => performance.getEntriesByType('resource')
  .some(e => e.name.includes(part) && e.responseEnd > 0)"""

# the nearest scrolling ancestor's visible box, to tell "in view" from "cut off by a panel"
CLIP_BOX = """(el) => {
  let p = el.parentElement;
  while (p && !/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowY + getComputedStyle(p).overflowX)) {
    p = p.parentElement;
  }
  const r = (p || document.documentElement).getBoundingClientRect();
  return {x: r.left, y: r.top, width: r.width, height: r.height};
}"""


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


@pytest.fixture
def ids(db):
    from extract.curate.db import open_store

    with open_store(db) as store:
        pdf, txt = doc_id_of(store, ".pdf"), doc_id_of(store, ".txt")
        outcome = find_record(
            store, pdf, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
        )
        trial = find_record(store, pdf, kind="trial", name="JCOG0807")
        return {"pdf": pdf, "txt": txt, "outcome": outcome.id, "trial": trial.id}


def _page(chromium, server, width: int, height: int):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.js_errors = watch_errors(page)
    browser_login(page, server)
    return page


def test_page_image_fills_its_panel_and_zooms_at_1400px(server, chromium, ids):
    from playwright.sync_api import expect

    page = _page(chromium, server, 1400, 900)
    page.goto(f"{server}/doc/{ids['pdf']}?r={ids['outcome']}")
    page.wait_for_function(IMAGE_LOADED, arg="/page/2.png")
    img, box = page.locator("#pageimg"), page.locator("svg.pageimg rect.box.sel").first
    panel_width = page.locator("#pagebox").evaluate("e => e.clientWidth")
    i0, b0 = img.bounding_box(), box.bounding_box()
    assert i0["width"] >= 0.8 * panel_width, (i0, panel_width)
    assert i0["width"] >= 0.38 * 1400  # the widest of the three panels, not a third of the window
    assert _inside(b0, page.locator("#page-pane").bounding_box())  # the evidence box is in view
    text_width_with_page = page.locator(".text-pane").bounding_box()["width"]
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "curation.png"))

    # zoom in with the button: the page and its evidence box grow together
    page.click("#zoom-in")
    expect(page.locator("#zoom-level")).to_have_text("125%")
    i1, b1 = img.bounding_box(), box.bounding_box()
    assert i1["width"] == pytest.approx(1.25 * i0["width"], rel=0.01)
    assert b1["width"] == pytest.approx(b0["width"] * i1["width"] / i0["width"], rel=0.02)
    assert b1["height"] == pytest.approx(b0["height"] * i1["height"] / i0["height"], rel=0.02)
    # … and the box stays on the same words of the page
    assert (b1["x"] - i1["x"]) / i1["width"] == pytest.approx(
        (b0["x"] - i0["x"]) / i0["width"], abs=0.002
    )
    assert (b1["y"] - i1["y"]) / i1["height"] == pytest.approx(
        (b0["y"] - i0["y"]) / i0["height"], abs=0.002
    )

    # with the keyboard, up to where a sharper rendering is loaded; the panel scrolls sideways
    page.keyboard.press("+")
    page.keyboard.press("+")
    expect(page.locator("#zoom-level")).to_have_text("200%")
    assert img.bounding_box()["width"] == pytest.approx(2 * i0["width"], rel=0.01)
    assert "scale=3" in page.locator("#pageimg image").get_attribute("href")
    page.wait_for_function(IMAGE_LOADED, arg="/page/2.png?scale=3")
    pane = page.locator("#page-pane")
    assert pane.evaluate("e => e.scrollWidth > e.clientWidth")

    # the zoom stays when the curator moves on (every record is a page load), the box is brought into view
    page.reload()
    expect(page.locator("#zoom-level")).to_have_text("200%")
    assert img.bounding_box()["width"] == pytest.approx(2 * i0["width"], rel=0.01)
    assert _inside(box.bounding_box(), pane.bounding_box())

    # back to fit width, then smaller than the panel
    page.keyboard.press("0")
    expect(page.locator("#zoom-level")).to_have_text("100%")
    assert img.bounding_box()["width"] == pytest.approx(i0["width"], rel=0.01)
    page.click("#zoom-out")
    expect(page.locator("#zoom-level")).to_have_text("80%")
    assert img.bounding_box()["width"] == pytest.approx(0.8 * i0["width"], rel=0.01)
    page.click("#zoom-fit")

    # a text document: no empty page panel, the text takes its space
    page.goto(f"{server}/doc/{ids['txt']}")
    expect(page.locator("#doctext")).to_be_visible()
    assert page.locator(".page-pane").count() == 0
    assert page.get_by_text("not a PDF").count() == 0
    text = page.locator(".text-pane").bounding_box()
    side = page.locator(".side-pane").bounding_box()
    main = page.locator("main.doc").bounding_box()
    assert text["width"] >= 1.5 * text_width_with_page and text["width"] >= 0.55 * 1400
    assert side["x"] + side["width"] >= main["x"] + main["width"] - 10  # nothing empty to the right
    assert not page.js_errors, (
        page.js_errors
    )  # a CSP violation (inline style or script) would be one


def test_labels_and_design_menu_are_whole_at_800px(server, chromium, ids):
    page = _page(chromium, server, 800, 1000)
    page.goto(f"{server}/doc/{ids['pdf']}?r={ids['trial']}")
    page.wait_for_function(IMAGE_LOADED, arg="/page/1.png")
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= 800
    )  # no sideways scrolling of the page

    # every record label shows its whole text: none is cut to "JCOG0…"
    labels = page.locator("table.recs td:nth-child(2)")
    assert labels.count() > 20
    cut = labels.evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1"
        " || c.querySelector('a').getBoundingClientRect().right > c.getBoundingClientRect().right + 1)"
        ".map(c => c.textContent.trim())"
    )
    assert cut == []
    row = page.locator("table.recs tr.sel td:nth-child(2) a")
    assert row.inner_text() == "JCOG0807"
    assert row.evaluate(
        "a => a.scrollWidth <= a.clientWidth + 1 && a.getBoundingClientRect().right <= innerWidth"
    )
    head = page.locator("#record .pane-head strong")
    assert head.evaluate("e => e.scrollWidth <= e.clientWidth + 1")

    # the page image still fills its (narrower) panel
    panel_width = page.locator("#pagebox").evaluate("e => e.clientWidth")
    assert page.locator("#pageimg").bounding_box()["width"] >= 0.8 * panel_width

    # the design menu: inside the window and its panel, every choice shown whole
    design = page.locator("#f-design")
    design.scroll_into_view_if_needed()
    box = design.bounding_box()
    assert _inside(box, {"x": 0, "y": 0, "width": 800, "height": 1000}), box
    assert _inside(box, design.evaluate(CLIP_BOX)), box
    assert design.evaluate(
        "s => s.scrollWidth <= s.clientWidth && s.scrollHeight <= s.clientHeight"
    )
    assert design.locator("option").count() == 8
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "curation-800.png"))
    assert not page.js_errors, page.js_errors
