"""One logged-in user cannot break the curation server, and double curation stays blind (issue 16).

Page images are rendered off the event loop within a pixel budget; bodies and
fields have limits; logins slow down after failures; the Host header must name
this server; a curator in double curation sees and changes only their own copy.
"""

from __future__ import annotations

import html
import io
import re
import socket
import threading

import httpx
import pytest
from curate_support import PASSWORD, edit_form, find_record
from fuzzpdf import one_line_pdf

# -- helpers ------------------------------------------------------------------------


def _add_pdf(store, path) -> str:
    from extract.pipeline import load_pipeline, process_document

    config = load_pipeline()
    result = process_document(path, config)
    assert result.status == "ok", result.error
    store.save_result(result, config.version)
    return next(d.doc_id for d in store.documents() if d.path == str(path))


def _http_login(base: str, name: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=True,
    )
    assert r.status_code == 200, r.text[:300]
    return c, re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)


def _raw_response(sock: socket.socket) -> bytes:
    """Read from ``sock`` until the end of the response headers (or the server closes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _pixels(png: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size


# -- page images --------------------------------------------------------------------


@pytest.mark.parametrize("side", [14400, 1e9])
def test_a_page_with_a_huge_media_box_is_downscaled_to_the_pixel_budget(
    client_factory, store, tmp_path, side
):
    from extract.curate.render import MAX_PIXELS

    path = tmp_path / f"huge_{int(side)}.pdf"
    path.write_bytes(one_line_pdf(side, side, "KEYNOTE-590 median OS 12.4 months"))
    doc_id = _add_pdf(store, path)
    c = client_factory("alice")
    for scale in ("1.5", "3"):
        r = c.get(f"/doc/{doc_id}/page/1.png?scale={scale}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        w, h = _pixels(r.content)
        assert w * h <= MAX_PIXELS and w == h  # the whole (square) page, smaller


def test_a_page_as_long_as_a_road_still_gives_an_image(client_factory, store, tmp_path):
    from extract.curate.render import MAX_PIXELS, MAX_SIDE

    path = tmp_path / "ribbon.pdf"
    path.write_bytes(one_line_pdf(1e9, 100, "KEYNOTE-590"))
    doc_id = _add_pdf(store, path)
    c = client_factory("alice")
    r = c.get(f"/doc/{doc_id}/page/1.png")
    assert r.status_code == 200
    w, h = _pixels(r.content)
    assert w <= MAX_SIDE and h >= 1 and w * h <= MAX_PIXELS


def test_other_requests_are_served_while_a_page_renders(server, store, seed_id, monkeypatch):
    """A render blocked on a latch must not hold up the list of documents (it runs off the event loop)."""
    import pypdfium2

    started, release = threading.Event(), threading.Event()
    real = pypdfium2.PdfPage.render

    def slow(self, *args, **kwargs):
        started.set()
        assert release.wait(60), "the test never released the render"
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pypdfium2.PdfPage, "render", slow)
    alice, _ = _http_login(server, "alice")
    bob, _ = _http_login(server, "bob")
    result: dict[str, object] = {}

    def fetch() -> None:
        result["page"] = alice.get(f"/doc/{seed_id}/page/1.png?scale=3")

    t = threading.Thread(target=fetch)
    t.start()
    try:
        assert started.wait(60), "the page render never started"
        docs = bob.get("/api/docs", timeout=20)  # served although the render has not finished
        assert docs.status_code == 200 and any(d["doc_id"] == seed_id for d in docs.json())
        assert "page" not in result
    finally:
        release.set()
        t.join(60)
    assert (
        result["page"].status_code == 200 and result["page"].headers["content-type"] == "image/png"
    )


def test_other_requests_are_served_while_a_document_is_read_again_for_an_added_record(
    server, store, seed_id, monkeypatch
):
    """The first record added to a document reads its PDF again (seconds); not on the event loop."""
    from extract.curate import geometry

    started, release = threading.Event(), threading.Event()
    real = geometry._read_again

    def slow(*args, **kwargs):
        started.set()
        assert release.wait(60), "the test never released the read"
        return real(*args, **kwargs)

    monkeypatch.setattr(geometry, "_read_again", slow)
    monkeypatch.setattr(geometry, "_CACHE", type(geometry._CACHE)())
    alice, csrf = _http_login(server, "alice")
    bob, _ = _http_login(server, "bob")
    text = store.text(seed_id)
    sel = "mOS约为12.4~17.2个月"
    start = text.index(sel)
    data = {
        "csrf_token": csrf,
        "start": start,
        "end": start + len(sel),
        "kind": "outcome",
        "endpoint": "OS",
        "stat": "median",
        "value": "12.4",
        "value_high": "17.2",
        "qualifier": "~",
        "unit": "month",
        "arm_role": "single",
        "lang": "zh",
    }
    result: dict[str, object] = {}
    t = threading.Thread(
        target=lambda: result.update(
            r=alice.post(f"/doc/{seed_id}/records", data=data, follow_redirects=True)
        )
    )
    t.start()
    try:
        assert started.wait(60), "the document was never read again"
        docs = bob.get("/api/docs", timeout=20)
        assert docs.status_code == 200 and "r" not in result
    finally:
        release.set()
        t.join(60)
    assert result["r"].status_code == 200 and "Record added" in result["r"].text
    added = [r for r in store.records(seed_id) if r.status == "added"]
    assert len(added) == 1 and added[0].boxes  # the boxes came from the document read again


# -- request and field sizes ----------------------------------------------------------


def test_a_200_mib_body_is_refused_before_it_is_read(server, store, seed_id):
    c, csrf = _http_login(server, "alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    port = int(server.rsplit(":", 1)[1])
    head = (
        f"POST /api/records/{rec.id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: curate_session={c.cookies['curate_session']}\r\nX-CSRF-Token: {csrf}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {200 * 2**20 + 40}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head.encode() + b'{"version": 1, "fields": {"subgroup": "' + b"x" * 65536)
        reply = _raw_response(s)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert store.record(rec.id).version == rec.version
    assert store.conn.execute("SELECT COUNT(*) FROM curate_events").fetchone()[0] == 0


def test_a_streamed_body_is_cut_off_at_the_limit(server, store, seed_id):
    from extract.curate.app import MAX_BODY

    c, csrf = _http_login(server, "alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    port = int(server.rsplit(":", 1)[1])
    head = (
        f"POST /api/records/{rec.id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: curate_session={c.cookies['curate_session']}\r\nX-CSRF-Token: {csrf}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            head.encode()
            + b"%x\r\n%s\r\n" % (40, b'{"version": 1, "fields": {"subgroup": "'.ljust(40))
        )
        sent = 0
        try:
            while sent <= MAX_BODY + len(chunk):  # a little past the limit, never the whole 200 MiB
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what we want
        reply = _raw_response(s)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert store.record(rec.id).version == rec.version


@pytest.mark.parametrize("field", ["subgroup", "arm", "note"])
def test_a_field_longer_than_the_contract_allows_is_refused_and_nothing_is_stored(
    client_factory, store, seed_id, field
):
    from extract.curate.fields import spec_of

    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    limit = spec_of("outcome", field).max_length
    assert limit and limit < 10_000
    r = c.post(
        f"/api/records/{rec.id}",
        json={"fields": {field: "长" * (limit + 1)}, "version": rec.version},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 422 and f"{field}: at most {limit} characters" in r.json()["error"]
    form = edit_form(c, seed_id, rec)
    form[field] = "长" * (limit + 1)
    r = c.post(f"/doc/{seed_id}/records/{rec.id}/edit", data=form)
    assert r.status_code == 422 and f"at most {limit} characters" in html.unescape(r.text)
    assert store.record(rec.id).version == rec.version
    assert store.conn.execute("SELECT COUNT(*) FROM curate_events").fetchone()[0] == 0
    ok = c.post(
        f"/api/records/{rec.id}",
        json={"fields": {field: "长" * limit}, "version": rec.version},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert ok.status_code == 200, ok.text


def test_a_long_reason_or_too_many_list_items_are_refused(client_factory, store, seed_id):
    from extract.curate.fields import MAX_ITEMS, MAX_REASON

    c = client_factory("alice")
    rec = find_record(store, seed_id, kind="trial", name="KEYNOTE-590")
    r = c.post(
        f"/api/records/{rec.id}",
        json={"fields": {"aliases": ["K"] * (MAX_ITEMS + 1)}, "version": rec.version},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 422 and f"aliases: at most {MAX_ITEMS} items" in r.json()["error"]
    r = c.post(
        f"/api/records/{rec.id}",
        json={
            "fields": {"aliases": ["K-590"]},
            "version": rec.version,
            "reason": "x" * (MAX_REASON + 1),
        },
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 422 and f"reason: at most {MAX_REASON} characters" in r.json()["error"]
    assert store.record(rec.id).version == rec.version
    assert store.conn.execute("SELECT COUNT(*) FROM curate_events").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"fields": {"note": [1]}}, "note: a text or null"),
        ({"fields": {"note": {"a": [[["deep"]]]}}}, "note: a text or null"),
        ({"fields": {"optional": [True]}}, "optional: true or false"),
        ({"fields": {"value": 12.6}, "reason": ["why"]}, "reason: a text or null"),
    ],
)
def test_curator_extras_of_the_wrong_type_are_refused_not_a_500(
    client_factory, store, seed_id, extra, message
):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/api/records/{rec.id}",
        json={"version": rec.version, **extra},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 422 and message in r.json()["error"]
    assert store.record(rec.id).version == rec.version
    assert store.conn.execute("SELECT COUNT(*) FROM curate_events").fetchone()[0] == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"fields": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001,
    ],
)
def test_malformed_or_deeply_nested_json_is_refused_with_a_4xx(
    client_factory, store, seed_id, body
):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/api/records/{rec.id}",
        content=body,
        headers={"X-CSRF-Token": c.csrf, "Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500 and "JSON" in r.json()["error"]
    assert store.record(rec.id).version == rec.version


def test_a_selection_longer_than_a_few_sentences_is_refused_before_the_recognizers_run(
    client_factory, store, seed_id, monkeypatch
):
    """The recognizers over a whole long document held the event loop for minutes (87 s for 300 KB)."""
    from extract.curate import propose
    from extract.curate.service import MAX_SELECTION

    ran = []
    real = propose.recognize_sentence
    monkeypatch.setattr(
        propose, "recognize_sentence", lambda *a, **k: ran.append(1) or real(*a, **k)
    )
    c = client_factory("alice")
    end = min(len(store.text(seed_id)), MAX_SELECTION + 1)
    assert end == MAX_SELECTION + 1
    r = c.get(f"/doc/{seed_id}/new?start=0&end={end}")
    assert r.status_code == 422 and f"at most {MAX_SELECTION} characters" in html.unescape(r.text)
    r = c.post(
        f"/api/docs/{seed_id}/propose",
        json={"start": 0, "end": end},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert r.status_code == 422 and f"at most {MAX_SELECTION} characters" in r.json()["error"]
    assert ran == []
    r = c.post(
        f"/doc/{seed_id}/records",
        data={
            "csrf_token": c.csrf,
            "kind": "trial",
            "name": "X-1",
            "lang": "en",
            "start": "0",
            "end": str(end),
        },
    )
    assert (
        r.status_code == 422
        and store.conn.execute("SELECT COUNT(*) FROM curate_events").fetchone()[0] == 0
    )
    assert c.get(f"/doc/{seed_id}/new?start=0&end=40").status_code == 200 and ran


# -- login attempts, Host header, cookies ---------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _try_login(c, name: str, password: str):
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    return c.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def test_failed_logins_make_the_next_attempt_wait_longer_and_longer(db):
    from fastapi.testclient import TestClient

    from extract.curate import create_app
    from extract.curate.auth import LoginThrottle

    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    c = TestClient(create_app(db, allowed_hosts=("testserver",), login_throttle=throttle))
    for _ in range(throttle.free):
        assert _try_login(c, "alice", "wrong password").status_code == 401
    # the right password is not even checked while the account waits
    waits = []
    for _ in range(3):
        r = _try_login(c, "alice", PASSWORD)
        assert r.status_code == 429 and "too many failed logins" in html.unescape(r.text)
        wait = int(r.headers["retry-after"])
        waits.append(wait)
        clock.t += wait
        assert _try_login(c, "alice", "wrong again").status_code == 401
    assert waits[0] >= 1 and waits[1] > waits[0] and waits[2] > waits[1]
    clock.t += int(_try_login(c, "alice", PASSWORD).headers["retry-after"])
    assert _try_login(c, "alice", PASSWORD).status_code == 303  # in, after the wait
    # a success starts the account's count again: from a fresh address, the free attempts are back
    fresh = TestClient(c.app, client=("198.51.100.9", 5000))
    for _ in range(throttle.free):
        assert _try_login(fresh, "alice", "wrong password").status_code == 401
    assert _try_login(fresh, "alice", PASSWORD).status_code == 429


def test_login_delay_holds_per_account_and_per_client_address(db):
    from fastapi.testclient import TestClient

    from extract.curate import create_app
    from extract.curate.auth import LoginThrottle

    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    app = create_app(db, allowed_hosts=("testserver",), login_throttle=throttle)
    attacker = TestClient(app, client=("203.0.113.7", 5000))
    for i in range(throttle.free):
        assert _try_login(attacker, "alice", f"guess {i}").status_code == 401
    # the account waits from any address ...
    elsewhere = TestClient(app, client=("198.51.100.2", 5000))
    assert _try_login(elsewhere, "alice", PASSWORD).status_code == 429
    # ... and the address waits for any account (trying many names is no way around it)
    assert _try_login(attacker, "bob", PASSWORD).status_code == 429
    assert _try_login(elsewhere, "bob", PASSWORD).status_code == 303


def test_addresses_of_one_ipv6_network_share_their_login_delay(db):
    """An IPv6 client holds a whole /64: changing the last bits must not reset its count."""
    from fastapi.testclient import TestClient

    from extract.curate import create_app
    from extract.curate.auth import LoginThrottle

    throttle = LoginThrottle(clock=FakeClock())
    app = create_app(db, allowed_hosts=("testserver",), login_throttle=throttle)
    for i in range(throttle.free):
        c = TestClient(app, client=(f"2001:db8:0:7::{i + 1:x}", 5000))
        assert _try_login(c, f"name{i}", "guess").status_code == 401
    assert (
        _try_login(
            TestClient(app, client=("2001:db8:0:7::ffff", 5000)), "bob", PASSWORD
        ).status_code
        == 429
    )
    assert (
        _try_login(TestClient(app, client=("2001:db8:0:8::1", 5000)), "bob", PASSWORD).status_code
        == 303
    )


def test_an_unknown_name_costs_the_same_password_work_as_a_known_one(store, monkeypatch):
    """Otherwise the time a login takes tells which names have accounts."""
    import hashlib

    from extract.curate.auth import authenticate, verify_password
    from extract.curate.errors import AuthError

    verify_password("warm up", None)
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    work = {}
    for name in ("alice", "nobody-by-this-name"):
        calls.clear()
        with pytest.raises(AuthError, match="unknown user or wrong password"):
            authenticate(store, name, "wrong password")
        work[name] = len(calls)
    assert work["alice"] == work["nobody-by-this-name"] == 1


def test_other_requests_are_served_while_a_login_hashes_its_password(server, monkeypatch):
    """scrypt takes a tenth of a second on purpose; it must not take it from everyone else."""
    import hashlib

    bob, _ = _http_login(server, "bob")
    started, release = threading.Event(), threading.Event()
    real = hashlib.scrypt

    def slow(*args, **kwargs):
        started.set()
        assert release.wait(60), "the test never released the hash"
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", slow)
    result: dict[str, object] = {}
    t = threading.Thread(target=lambda: result.update(c=_http_login(server, "alice")))
    t.start()
    try:
        assert started.wait(60), "the login never hashed"
        docs = bob.get("/api/docs", timeout=20)
        assert docs.status_code == 200 and "c" not in result
    finally:
        release.set()
        t.join(60)
    assert "c" in result


def test_a_request_naming_another_host_is_refused(db):
    """DNS rebinding: evil.example resolving to 127.0.0.1 must not reach the app."""
    from fastapi.testclient import TestClient

    from extract.curate import create_app

    app = create_app(db)  # bound to 127.0.0.1
    for base in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"):
        assert TestClient(app, base_url=base).get("/login").status_code == 200
    evil = TestClient(app, base_url="http://evil.example:8000")
    r = evil.get("/login")
    assert r.status_code == 400 and "evil.example" in r.text
    assert evil.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 400
    named = TestClient(
        create_app(db, host="0.0.0.0", allowed_hosts=("curate.lab.example",)),
        base_url="http://curate.lab.example",
    )
    assert named.get("/login").status_code == 200


def test_secure_cookies_set_the_secure_flag_on_session_and_csrf_cookies(db):
    from fastapi.testclient import TestClient

    from extract.curate import create_app

    for secure in (True, False):
        c = TestClient(
            create_app(db, allowed_hosts=("testserver",), secure_cookies=secure),
            base_url="https://testserver",
        )
        r = c.get("/login")
        login_cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
        token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
        r = c.post(
            "/login",
            data={"name": "alice", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        session_cookie = [
            v
            for k, v in r.headers.multi_items()
            if k == "set-cookie" and v.startswith("curate_session=")
        ]
        assert login_cookie and session_cookie
        for cookie in login_cookie + session_cookie:
            assert ("; Secure" in cookie) is secure, cookie


@pytest.mark.parametrize(
    ("host", "secure"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("0.0.0.0", True),
        ("192.168.1.20", True),
    ],
)
def test_secure_cookies_are_on_by_default_off_loopback(host, secure):
    from extract.curate.app import default_secure_cookies

    assert default_secure_cookies(host) is secure


# -- double curation stays blind --------------------------------------------------------


def _double(client_factory, store, seed_id):
    judy, alice, bob = client_factory("judy"), client_factory("alice"), client_factory("bob")
    assert (
        judy.post(
            f"/doc/{seed_id}/mode", data={"csrf_token": judy.csrf, "mode": "double"}
        ).status_code
        == 200
    )
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    for c, value in ((alice, "12.5"), (bob, "12.7")):
        data = edit_form(c, seed_id, rec, value=value)
        data["version"] = "0"
        assert c.post(f"/doc/{seed_id}/records/{rec.id}/edit", data=data).status_code == 200
    return judy, alice, bob, rec


def test_a_curator_cannot_read_the_other_curation_through_the_comparison(
    client_factory, store, seed_id
):
    judy, alice, bob, rec = _double(client_factory, store, seed_id)
    for a, b in (("bob", "alice"), ("alice", "bob"), (None, None)):
        q = f"?a={a}&b={b}" if a else ""
        r = alice.get(f"/doc/{seed_id}/compare{q}")
        assert r.status_code == 403 and "12.7" not in r.text
    docs = alice.get("/").text
    assert "agreement" not in docs and f"/doc/{seed_id}/compare" not in docs
    page = judy.get(f"/doc/{seed_id}/compare?a=alice&b=bob")
    assert page.status_code == 200 and "12.5" in page.text and "12.7" in page.text
    assert "agreement" in judy.get("/").text


def test_a_curator_cannot_revert_the_adjudicators_change_to_the_final_records(
    client_factory, store, seed_id
):
    judy, alice, bob, rec = _double(client_factory, store, seed_id)
    data = edit_form(judy, seed_id, rec, value="12.6")
    data["view"] = "final"
    assert judy.post(f"/doc/{seed_id}/records/{rec.id}/edit", data=data).status_code == 200
    assert store.record(rec.id).effective["value"] == 12.6
    change = judy.get(f"/api/records/{rec.id}/history?view=final").json()[0]["change"]
    r = alice.post(f"/api/changes/{change}/revert", headers={"X-CSRF-Token": alice.csrf})
    assert r.status_code == 403
    r = alice.post(f"/doc/{seed_id}/changes/{change}/revert", data={"csrf_token": alice.csrf})
    assert r.status_code == 403
    assert store.record(rec.id).effective["value"] == 12.6
    r = judy.post(f"/api/changes/{change}/revert", headers={"X-CSRF-Token": judy.csrf})
    assert r.status_code == 200 and store.record(rec.id).effective["value"] == 12.4


def test_only_an_adjudicator_marks_a_double_curated_document_done(client_factory, store, seed_id):
    from extract.curate.auth import User
    from extract.curate.errors import CurationError
    from extract.curate.service import Curation

    judy, alice, bob, rec = _double(client_factory, store, seed_id)
    r = alice.post(f"/doc/{seed_id}/done", data={"csrf_token": alice.csrf, "done": "1"})
    assert r.status_code == 403 and "adjudicator" in html.unescape(r.text)
    with pytest.raises(CurationError, match="adjudicator"):
        Curation(store).set_done(User("bob", "curator"), seed_id, True)
    assert not Curation(store).done(seed_id)
    assert (
        judy.post(f"/doc/{seed_id}/done", data={"csrf_token": judy.csrf, "done": "1"}).status_code
        == 200
    )
    assert Curation(store).done(seed_id)
    r = alice.post(f"/doc/{seed_id}/done", data={"csrf_token": alice.csrf, "done": "0"})
    assert r.status_code == 403 and Curation(store).done(seed_id)


def test_a_curator_still_marks_a_singly_curated_document_done(client_factory, store, seed_id):

    alice = client_factory("alice")
    assert (
        alice.post(f"/doc/{seed_id}/done", data={"csrf_token": alice.csrf, "done": "1"}).status_code
        == 200
    )
    assert (
        next(d for d in alice.get("/api/docs").json() if d["doc_id"] == seed_id)["state"]
        == "curated"
    )


def test_serving_off_loopback_sends_secure_cookies_unless_told_not_to(db, monkeypatch):
    import uvicorn
    from fastapi.testclient import TestClient

    from extract.curate import serve

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    serve(db, "0.0.0.0", 8000)
    serve(db, "0.0.0.0", 8000, secure_cookies=False)
    serve(db, "127.0.0.1", 8000)
    flags = []
    for app in served:
        r = TestClient(app, base_url="https://192.168.1.20:8000").get("/login")
        flags.append("; Secure" in r.headers["set-cookie"])
    assert flags == [True, False, False]
