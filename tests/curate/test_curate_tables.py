"""Curating records read from a table (issue 14): the cells of a table record are outlined on
the PDF page image, and a table record is corrected like any other.

The document is PMC4907713's Table 2 set as a ruled PDF table (``tests/tablepdf.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from curate_support import BROWSER_TEST, PASSWORD, browser_login, edit_form, watch_errors


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A store holding the table PDF only (overrides the seed store of conftest)."""
    from tablepdf import write_table_pdf

    from extract.curate.auth import add_user
    from extract.curate.db import open_store
    from extract.pipeline import load_pipeline, process_document

    d = tmp_path_factory.mktemp("curate_tables")
    pdf = write_table_pdf(d / "pmc4907713_table2.pdf")
    config = load_pipeline()
    db = d / "extract.db"
    with open_store(db) as store:
        result = process_document(pdf, config)
        assert result.status == "ok", result.error
        store.save_result(result, config.version)
        add_user(store, "alice", PASSWORD)
    return db


def _table_record(store, **fields):
    doc_id = store.documents()[0].doc_id
    for r in store.records(doc_id):
        if r.effective.get("source") == "table" and all(
            r.effective.get(k) == v for k, v in fields.items()
        ):
            return doc_id, r
    raise AssertionError(f"no table record with {fields}")


def test_a_table_record_is_corrected_like_any_other(client_factory, store, tmp_path):
    """Row 'ORR' 53 (87) | 51 (73): the curator corrects FEC's n, the record stays a table
    record with its cells, and the exported gold says source "table"."""
    import json

    from extract.curate.gold import export_gold

    doc_id, rec = _table_record(store, endpoint="ORR", value=73.0)
    assert rec.effective["arm"] == "FEC" and rec.effective["n"] == 70
    c = client_factory("alice")
    r = c.post(
        f"/doc/{doc_id}/records/{rec.id}/edit",
        data=edit_form(c, doc_id, rec, n=69, reason="one patient not evaluable"),
    )
    assert r.status_code == 200, r.text[:300]
    after = store.record(rec.id)
    assert after.effective["n"] == 69
    assert after.effective["source"] == "table"
    assert after.boxes == rec.boxes and len(after.boxes) == 3  # value, row label, arm header
    report = export_gold(store, tmp_path / "gold", include_in_progress=True)
    gold_file = tmp_path / "gold" / "pmc4907713_table2.jsonl"
    assert [Path(p) for p in report.written] == [gold_file]
    lines = [json.loads(x) for x in gold_file.read_text(encoding="utf-8").splitlines()]
    gold = [g for g in lines if g.get("endpoint") == "ORR" and g.get("value") == 73.0]
    assert gold and gold[0]["n"] == 69 and gold[0]["source"] == "table"


def _in_the_browser(fn):
    for mark in BROWSER_TEST:
        fn = mark(fn)
    return fn


@_in_the_browser
def test_the_page_image_outlines_the_cells_of_a_table_record(server, chromium, store):
    """Row 'pCR in tumor' 11 (18): its three cells are outlined where the PDF has them."""
    doc_id, rec = _table_record(store, endpoint="pCR", value=18.0)
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = watch_errors(page)
    try:
        browser_login(page, server)
        page.goto(f"{server}/doc/{doc_id}?r={rec.id}")
        page.wait_for_function(
            "() => { const i = document.querySelector('svg.pageimg image');"
            " return i && i.getBBox().width > 0; }"
        )
        rects = page.locator("svg.pageimg rect.box.sel")
        assert rects.count() == len(rec.boxes) == 3
        drawn = sorted(
            (
                round(float(rects.nth(i).get_attribute("x")) + 1.5, 1),
                round(float(rects.nth(i).get_attribute("y")) + 1.5, 1),
            )
            for i in range(rects.count())
        )
        assert drawn == sorted((round(b[0], 1), round(b[1], 1)) for _, b in rec.boxes)
        assert not errors, errors
    finally:
        context.close()
