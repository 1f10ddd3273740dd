"""The curation app over HTTP (FastAPI's TestClient): auth, CSRF, escaping, lost updates, audit trail."""

from __future__ import annotations

import html
import json
import re

import pytest
from curate_support import PASSWORD, edit_form, find_record

# -- auth ---------------------------------------------------------------------------


def test_pages_and_api_need_a_login(client_factory):
    c = client_factory()
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert c.get("/api/docs").status_code == 401


def test_wrong_password_is_refused(client_factory):
    c = client_factory()
    r = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = c.post("/login", data={"name": "alice", "password": "wrong password", "csrf_token": token})
    assert r.status_code == 401
    assert "unknown user or wrong password" in r.text
    assert c.get("/api/docs").status_code == 401


def test_passwords_are_stored_hashed(store):
    rows = store.conn.execute("SELECT name, password_hash FROM curate_users").fetchall()
    assert rows
    for _name, stored in rows:
        assert stored.startswith("scrypt$") and PASSWORD not in stored


def test_api_token_acts_as_its_curator(store, app, seed_id):
    from fastapi.testclient import TestClient

    from extract.curate.auth import create_token

    token = create_token(store, "bob", "script")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    c = TestClient(app)
    r = c.post(
        f"/api/records/{rec.id}",
        json={"fields": {"value": 12.5}, "version": rec.version},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["record"]["value"] == 12.5
    assert (
        store.conn.execute("SELECT curator FROM curate_events WHERE field = 'value'").fetchone()[0]
        == "bob"
    )
    bad = c.get("/api/docs", headers={"Authorization": "Bearer cur_not-a-token"})
    assert bad.status_code == 401


# -- CSRF ---------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    data = edit_form(c, seed_id, rec, value=99)
    del data["csrf_token"]
    r = c.post(f"/doc/{seed_id}/records/{rec.id}/edit", data=data)
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert store.record(rec.id).effective["value"] == 12.4


def test_post_with_a_wrong_csrf_token_is_refused(client_factory, store, seed_id):
    c = client_factory("alice")
    other = client_factory("bob")  # a valid token, but of another session
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/status",
        data={"csrf_token": other.csrf, "version": rec.version, "action": "reject"},
    )
    assert r.status_code == 403
    assert store.record(rec.id).status == "machine"


def test_post_from_another_site_is_refused_even_with_the_token(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/status",
        data={"csrf_token": c.csrf, "version": rec.version, "action": "reject"},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    assert "cross-site" in r.text
    assert store.record(rec.id).status == "machine"


def test_json_api_needs_the_csrf_header_with_a_session(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    body = {"fields": {"value": 12.5}, "version": rec.version}
    assert c.post(f"/api/records/{rec.id}", json=body).status_code == 403
    r = c.post(f"/api/records/{rec.id}", json=body, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 200, r.text


def test_login_form_is_protected_too(client_factory):
    c = client_factory()
    r = c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403
    assert c.get("/api/docs").status_code == 401


def test_session_cookie_is_httponly_and_samesite(client_factory):
    c = client_factory()
    r = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = c.post(
        "/login",
        data={"name": "alice", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = [
        v
        for k, v in r.headers.multi_items()
        if k == "set-cookie" and v.startswith("curate_session=")
    ][0]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


# -- escaping -----------------------------------------------------------------------


def test_markup_in_the_document_shows_as_text(client_factory, store, hostile_id):
    c = client_factory("alice")
    rec = find_record(store, hostile_id, kind="outcome", value=12.4)
    for url in (f"/doc/{hostile_id}", f"/doc/{hostile_id}?r={rec.id}", "/"):
        r = c.get(url)
        assert r.status_code == 200
        assert "<script>alert" not in r.text
        assert "<img src=x" not in r.text
        assert "<script>.txt" not in r.text  # the file name carries markup too
    page = c.get(f"/doc/{hostile_id}?r={rec.id}").text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;.txt" in c.get("/").text
    csp = c.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp


def test_markup_typed_into_a_field_is_escaped(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/edit",
        data=edit_form(c, seed_id, rec, arm="<b onmouseover=alert(1)>chemo</b>", reason="<i>x</i>"),
    )
    assert r.status_code == 200
    assert "<b onmouseover" not in r.text and "<i>x</i>" not in r.text
    assert "&lt;b onmouseover=alert(1)&gt;chemo&lt;/b&gt;" in r.text


# -- lost updates -------------------------------------------------------------------


def test_second_curator_editing_the_same_record_gets_a_conflict(client_factory, store, seed_id):
    alice, bob = client_factory("alice"), client_factory("bob")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    # both opened the record at the same version
    a = alice.post(
        f"/doc/{seed_id}/records/{rec.id}/edit", data=edit_form(alice, seed_id, rec, value=12.5)
    )
    assert a.status_code == 200 and "Saved." in a.text
    b = bob.post(
        f"/doc/{seed_id}/records/{rec.id}/edit", data=edit_form(bob, seed_id, rec, arm="联合组")
    )
    assert b.status_code == 409
    message = html.unescape(b.text)
    assert "was changed by alice while you were editing it" in message
    assert "your change was not saved" in message
    after = store.record(rec.id)
    assert after.effective["value"] == 12.5  # alice's update is not lost
    assert after.effective["arm"] != "联合组"  # bob's was refused, not silently merged
    # the page bob gets back shows the current values, so he can redo his change
    assert 'value="12.5"' in b.text


def test_version_conflict_over_the_json_api(client_factory, store, seed_id):
    alice, bob = client_factory("alice"), client_factory("bob")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    h = {"X-CSRF-Token": alice.csrf}
    assert (
        alice.post(
            f"/api/records/{rec.id}",
            json={"fields": {"value": 12.5}, "version": rec.version},
            headers=h,
        ).status_code
        == 200
    )
    r = bob.post(
        f"/api/records/{rec.id}/status",
        json={"action": "reject", "version": rec.version},
        headers={"X-CSRF-Token": bob.csrf},
    )
    assert r.status_code == 409
    assert "not saved" in r.json()["error"]
    assert store.record(rec.id).status == "edited"


# -- editing and validation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("endpoint", "SURVIVAL", "endpoint: 'SURVIVAL' is not allowed; allowed: OS, PFS"),
        ("value", "twelve", "value: 'twelve' is not a number"),
        ("unit", "", "unit: a value is required"),
        ("n", "-3", "n"),
        # contract v2 fields
        ("events", "-1", "events: Input should be greater than or equal to 0"),
        ("events", "eight", "events: 'eight' is not a whole number"),
        ("ci_level", "95", "ci_level: Input should be less than 1"),
        ("ci_low", "3,1–6,9", "ci_low: '3,1–6,9' is not a number"),
        ("source", "figure", "source: 'figure' is not allowed; allowed: text, table"),
    ],
)
def test_invalid_values_are_refused_naming_the_field(
    client_factory, store, seed_id, field, value, message
):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/edit", data=edit_form(c, seed_id, rec, **{field: value})
    )
    assert r.status_code == 422
    assert message in html.unescape(r.text)
    assert store.record(rec.id).version == rec.version


def test_edit_is_kept_with_its_history_and_can_be_reverted(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/edit",
        data=edit_form(c, seed_id, rec, value=12.6, reason="misread 12.6 in the figure"),
    )
    assert r.status_code == 200
    again = c.get(f"/doc/{seed_id}?r={rec.id}").text
    assert 'id="f-value" name="value"' in again and 'value="12.6"' in again
    assert "<del>12.4</del> → <ins>12.6</ins>" in again and "misread 12.6 in the figure" in again
    ev = store.conn.execute(
        "SELECT record_id, field, old_value, new_value, curator, reason, time FROM curate_events WHERE field = 'value'"
    ).fetchone()
    assert (ev[0], ev[1], json.loads(ev[2]), json.loads(ev[3]), ev[4]) == (
        rec.id,
        "value",
        12.4,
        12.6,
        "alice",
    )
    assert ev[5] == "misread 12.6 in the figure" and ev[6]
    change = re.search(r"/changes/(\d+)/revert", again).group(1)
    r = c.post(f"/doc/{seed_id}/changes/{change}/revert", data={"csrf_token": c.csrf})
    assert r.status_code == 200 and "Reverted." in r.text
    after = store.record(rec.id)
    assert after.effective["value"] == 12.4
    assert after.status == "machine"  # the only change is undone: back to the machine's record
    kinds = [row[0] for row in store.conn.execute("SELECT action FROM curate_events ORDER BY id")]
    assert kinds[0] == "edit" and kinds[-1] == "revert"  # the trail keeps both


def test_revert_is_refused_when_a_later_change_moved_the_field(client_factory, store, seed_id):
    from extract.curate.auth import User
    from extract.curate.service import Curation

    cur = Curation(store)
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    v1 = cur.edit(User("alice", "curator"), rec.id, {"value": 12.5}, rec.version)
    cur.edit(User("bob", "curator"), rec.id, {"value": 12.7}, v1.version)
    first = cur.history(rec.id)[-1].id
    c = client_factory("alice")
    r = c.post(f"/doc/{seed_id}/changes/{first}/revert", data={"csrf_token": c.csrf})
    assert r.status_code == 409
    assert "value was changed again by change" in html.unescape(r.text)
    assert store.record(rec.id).effective["value"] == 12.7


def test_audit_trail_is_append_only(store, seed_id):
    import sqlite3

    from extract.curate.auth import User
    from extract.curate.service import Curation

    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    Curation(store).set_status(User("alice", "curator"), rec.id, "accept", rec.version)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE curate_events SET curator = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM curate_events")


def test_accept_with_keyboard_form_moves_to_the_next_record(client_factory, store, seed_id):
    c = client_factory("alice")
    recs = store.records(seed_id)
    r = c.post(
        f"/doc/{seed_id}/records/{recs[0].id}/status",
        data={"csrf_token": c.csrf, "version": recs[0].version, "action": "accept", "go": "next"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and f"r={recs[1].id}" in r.headers["location"]
    assert store.record(recs[0].id).status == "accepted"


# -- adding a record from a selection --------------------------------------------------


def test_add_a_missing_record_from_a_selection(client_factory, store, seed_id):
    c = client_factory("alice")
    text = store.text(seed_id)
    sel = "mOS约为12.4~17.2个月"
    start = text.index(sel)
    form = c.get(f"/doc/{seed_id}/new?start={start}&end={start + len(sel)}")
    assert form.status_code == 200
    # pre-filled by the recognizers
    assert (
        'name="value" type="text"' in form.text
        and 'value="12.4"' in form.text
        and 'value="17.2"' in form.text
    )
    assert re.search(r'<option value="~" selected>', form.text)
    data = {
        "csrf_token": c.csrf,
        "start": start,
        "end": start + len(sel),
        "kind": "outcome",
        "endpoint": "OS",
        "stat": "median",
        "value": "12.4",
        "value_high": "17.2",
        "qualifier": "~",
        "unit": "month",
        "arm": "化疗联合免疫治疗",
        "arm_role": "single",
        "lang": "zh",
        "optional": "1",
        "reason": "review-level summary",
    }
    r = c.post(f"/doc/{seed_id}/records", data=data, follow_redirects=False)
    assert r.status_code == 303
    rid = re.search(r"r=([0-9a-f]+)", r.headers["location"]).group(1)
    added = store.record(rid)
    assert added.status == "added" and added.effective["value_high"] == 17.2
    ev = added.effective["evidence"][0]
    assert sel in ev["text"] and text[ev["start"] : ev["end"]] == ev["text"]
    assert ev["page"] == 2 and added.boxes and all(p == 2 for p, _ in added.boxes)
    assert "added the record" in c.get(f"/doc/{seed_id}?r={rid}").text


# -- re-extraction ------------------------------------------------------------------


def test_curated_record_survives_reextraction_and_is_flagged(client_factory, store, seed_id):
    from extract.curate.auth import User
    from extract.curate.service import Curation
    from extract.pipeline import process_document

    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    Curation(store).edit(User("alice", "curator"), rec.id, {"subgroup": "全人群"}, rec.version)
    doc = store.document(seed_id)
    result = process_document(doc.path)
    # the new pipeline version reads another arm for the same record
    result.records = [
        r.model_copy(update={"arm": "帕博利珠单抗"}) if r.id == rec.id else r
        for r in result.records
    ]
    store.save_result(result, "test+changed")
    after = store.record(rec.id)
    assert after.effective["subgroup"] == "全人群" and after.machine_changed
    c = client_factory("alice")
    page = c.get(f"/doc/{seed_id}?r={rec.id}").text
    assert "The pipeline's value changed after this record was curated" in page
    assert "帕博利珠单抗" in page
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/status",
        data={"csrf_token": c.csrf, "version": after.version, "action": "keep"},
    )
    assert r.status_code == 200
    kept = store.record(rec.id)
    assert not kept.machine_changed and kept.effective["subgroup"] == "全人群"


# -- documents page -----------------------------------------------------------------


def test_documents_page_shows_status_counts_and_filters(client_factory, store, seed_id, hostile_id):
    from extract.curate.auth import User
    from extract.curate.service import Curation

    Curation(store).set_done(User("alice", "curator"), seed_id, True)
    c = client_factory("alice")
    page = c.get("/").text
    assert "1 curated" in page and "1 new" in page
    curated = c.get("/?state=curated").text
    assert f"/doc/{seed_id}" in curated and f"/doc/{hostile_id}" not in curated
    found = c.get("/?q=CheckMate 649").text  # full-text search
    assert f"/doc/{hostile_id}" in found and f"/doc/{seed_id}" in found
    only = c.get("/?q=pwned").text
    assert f"/doc/{hostile_id}" in only and f"/doc/{seed_id}" not in only
    docs = {d["doc_id"]: d for d in c.get("/api/docs").json()}
    assert docs[seed_id]["state"] == "curated" and docs[hostile_id]["counts"]["trial"] == 2


def test_failed_documents_are_listed_with_their_reason(client_factory, store, tmp_path):
    from extract.pipeline import load_pipeline, process_document

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    store.save_result(process_document(broken), load_pipeline().version)
    page = client_factory("alice").get("/?state=failed").text
    assert "broken" in page and "failed:" in page


# -- double curation ----------------------------------------------------------------


def test_double_curation_compare_and_adjudicate(client_factory, store, seed_id):
    judy, alice, bob = client_factory("judy"), client_factory("alice"), client_factory("bob")
    assert (
        alice.post(
            f"/doc/{seed_id}/mode", data={"csrf_token": alice.csrf, "mode": "double"}
        ).status_code
        == 403
    )
    judy.post(f"/doc/{seed_id}/mode", data={"csrf_token": judy.csrf, "mode": "double"})
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    other = find_record(
        store, seed_id, kind="outcome", value=9.8, endpoint="OS", trial="KEYNOTE-590"
    )
    # each curates independently: their edits do not touch the shared record or each other
    for c, value in ((alice, "12.5"), (bob, "12.4")):
        view = c.get(f"/doc/{seed_id}?r={rec.id}").text
        assert "your independent curation" in view
        version = re.search(r'name="version" value="(\d+)"', view).group(1)
        data = edit_form(c, seed_id, rec, value=value)
        data["version"] = version
        if value == "12.4":
            data = {"csrf_token": c.csrf, "version": version, "action": "accept"}
            c.post(f"/doc/{seed_id}/records/{rec.id}/status", data=data)
        else:
            c.post(f"/doc/{seed_id}/records/{rec.id}/edit", data=data)
        c.post(
            f"/doc/{seed_id}/records/{other.id}/status",
            data={"csrf_token": c.csrf, "version": 0, "action": "accept"},
        )
    assert store.record(rec.id).status == "machine"
    assert 'value="12.5"' in alice.get(f"/doc/{seed_id}?r={rec.id}").text
    assert 'value="12.5"' not in bob.get(f"/doc/{seed_id}?r={rec.id}").text
    page = judy.get(f"/doc/{seed_id}/compare").text
    assert "Disagreements (1)" in page and "<code>value</code>" in page
    assert "of records" in page and "loose F1" in page
    assert (
        "agreement" in judy.get("/").text and "agreement" not in alice.get("/").text
    )  # blind for curators
    # bob is not an adjudicator
    r = bob.post(
        f"/doc/{seed_id}/compare/adjudicate",
        data={"csrf_token": bob.csrf, "a": "alice", "b": "bob", "key": rec.id, "pick.value": "b"},
    )
    assert r.status_code == 422 and "adjudication needs an adjudicator" in html.unescape(r.text)
    judy.post(
        f"/doc/{seed_id}/compare/adjudicate",
        data={
            "csrf_token": judy.csrf,
            "a": "alice",
            "b": "bob",
            "key": rec.id,
            "pick.decision": "a",
            "pick.value": "b",
        },
    )
    final = store.record(rec.id)
    assert final.effective["value"] == 12.4 and final.status == "accepted"
    judy.post(
        f"/doc/{seed_id}/compare/apply-agreed",
        data={"csrf_token": judy.csrf, "a": "alice", "b": "bob"},
    )
    assert store.record(other.id).status == "accepted"
    adj = store.conn.execute(
        "SELECT field, choice, adjudicator FROM curate_adjudications WHERE record_id = ?", (rec.id,)
    ).fetchall()
    assert ("value", "b", "judy") in [tuple(a) for a in adj]


# -- page images --------------------------------------------------------------------


def test_page_image_comes_sharper_for_zooming_and_only_at_the_offered_scales(
    client_factory, seed_id
):
    import io

    from PIL import Image

    c = client_factory("alice")
    normal = c.get(f"/doc/{seed_id}/page/2.png")
    sharp = c.get(f"/doc/{seed_id}/page/2.png?scale=3")
    assert (
        normal.status_code == sharp.status_code == 200
        and sharp.headers["content-type"] == "image/png"
    )
    w1, h1 = Image.open(io.BytesIO(normal.content)).size
    w2, h2 = Image.open(io.BytesIO(sharp.content)).size
    assert (w2, h2) == (2 * w1, 2 * h1)  # 3 × 72 dpi against 1.5 × 72 dpi
    refused = c.get(f"/doc/{seed_id}/page/2.png?scale=40")
    assert (
        refused.status_code == 422
        and "scale 40 is not allowed; allowed: 1.5, 3" in html.unescape(refused.text)
    )
    page = c.get(f"/doc/{seed_id}").text
    assert 'data-scales="1.5 3.0"' in page and 'id="zoom-in"' in page and 'id="zoom-fit"' in page


def test_a_text_document_has_no_page_panel(client_factory, hostile_id):
    page = client_factory("alice").get(f"/doc/{hostile_id}").text
    assert '<main class="doc no-page"' in page
    assert "page-pane" not in page and "not a PDF" not in page and 'id="zoom-in"' not in page
