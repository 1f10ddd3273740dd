"""The curation web app: FastAPI, server-rendered Jinja2 (autoescaped), a little plain JavaScript.

:func:`create_app` builds the app over one store file; ``extract curate --db …``
serves it with uvicorn on 127.0.0.1 unless told otherwise (:func:`serve`).

Safety: every template is autoescaped (a document containing ``<script>``
shows it as text) and pages are served with a strict Content-Security-Policy
(no inline script or style); state-changing requests need the session's CSRF
token (form field ``csrf_token`` or header ``X-CSRF-Token``) and, when the
browser sends one, an ``Origin`` of this server. API clients may instead send
``Authorization: Bearer <token>`` (tokens from ``extract curate token NAME``),
which a browser never adds by itself, so those requests need no CSRF token.

One user cannot stall or swamp the server: page images are rendered in a
worker thread within a pixel budget (:mod:`extract.curate.render`), request
bodies are bounded (:data:`MAX_BODY`) and so are field values
(:func:`~extract.curate.fields.check_sizes`), a malformed or deeply nested JSON
body is a 422, failed logins slow further attempts down per account and per
client address (:class:`~extract.curate.auth.LoginThrottle`, 429), and the Host
header must name this server (:mod:`extract.curate.guard`, DNS rebinding).
Double curation is blind: a curator sees and changes only their own copy; the
comparison, the final records and marking the document done are the
adjudicator's.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

try:
    import anyio.to_thread
    import jinja2
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from fastapi.staticfiles import StaticFiles
    from fastapi.templating import Jinja2Templates
except ImportError as e:  # pragma: no cover - declared dependencies
    raise ImportError(
        "the curation app needs FastAPI and Jinja2: pip install -e . (see pyproject.toml)"
    ) from e

from .auth import (
    LoginThrottle,
    User,
    authenticate_off_loop,
    create_session,
    csrf_ok,
    end_session,
    session_user,
    token_user,
)
from .errors import AuthError, CurationError, EditConflict, NotAllowed
from .guard import BodyLimit, BodyTooLarge, HostCheck, allowed_hostnames, is_loopback

SESSION_COOKIE = "curate_session"
LOGIN_COOKIE = "curate_login"
HERE = Path(__file__).parent
MAX_BODY = 1 << 20
"""Bytes a request body may have (an edit form is a few kilobytes)."""

MESSAGES = {
    "saved": "Saved.",
    "accepted": "Accepted.",
    "rejected": "Rejected.",
    "deleted": "Deleted.",
    "kept": "Kept your curated values; the flag is cleared.",
    "took_machine": "Took the new machine values.",
    "reverted": "Reverted.",
    "added": "Record added.",
    "done": "Document marked curated: its records are gold now.",
    "reopened": "Document opened again for curation.",
    "mode": "Curation mode changed.",
    "adjudicated": "Adjudicated.",
    "applied": "Applied the records both curators agree on.",
    "nochange": "Nothing changed.",
}
STATUS_MESSAGES = {
    "accept": "accepted",
    "reject": "rejected",
    "delete": "deleted",
    "keep": "kept",
    "take_machine": "took_machine",
}


@dataclass
class Auth:
    user: User
    csrf: str | None  # None for bearer-token requests
    via_token: bool = False


class NotLoggedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def default_secure_cookies(host: str) -> bool:
    """Cookies are sent over HTTPS only unless the server is bound to a loopback address."""
    return not is_loopback(host)


def create_app(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    allowed_hosts: Iterable[str] = (),
    secure_cookies: bool = False,
    login_throttle: LoginThrottle | None = None,
    max_body: int = MAX_BODY,
) -> Any:
    """The curation app over the store at ``db`` (created and migrated when missing).

    Args:
        db: the store file.
        host: the address the server is bound to; requests must name it, ``localhost``, an IP
            address or one of ``allowed_hosts`` in their Host header.
        allowed_hosts: more host names to answer to (the name a reverse proxy forwards).
        secure_cookies: set the Secure flag on the session and login cookies (HTTPS only).
        login_throttle: how failed logins slow down the next ones (its clock is injectable).
        max_body: bytes a request body may have (413 beyond).
    """
    from ..store import UnknownRecord
    from . import compare as cmp
    from .db import open_store
    from .fields import (
        EXTRA_FIELDS,
        KINDS,
        MAX_NOTE,
        display,
        field_specs,
        flags_of,
        parse_form,
        parse_value,
        spec_of,
    )
    from .geometry import warm
    from .propose import evidence_span, propose_records
    from .render import SCALES, page_png
    from .service import Curation, RecordView, check_selection

    store = open_store(db)
    cur = Curation(store)
    throttle = login_throttle if login_throttle is not None else LoginThrottle()

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Any):
        yield
        store.close()

    app = FastAPI(
        title="extract curate", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.store = store
    # outermost last: the Host check answers first, then the body limit, before any route reads a byte
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(HostCheck, allowed=allowed_hostnames(host, allowed_hosts))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = display
    env.globals["KINDS"] = KINDS
    env.globals["MAX_NOTE"] = MAX_NOTE
    templates = Jinja2Templates(env=env)

    # -- plumbing --------------------------------------------------------------------

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Any:
        if wants_json(request):
            return JSONResponse(
                {"error": "log in first, or send Authorization: Bearer <token>"}, status_code=401
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Any:
        if wants_json(request):
            return JSONResponse({"error": exc.message}, status_code=403)
        return page(
            request, "error.html", None, status_code=403, title="Forbidden", message=exc.message
        )

    def authenticate_request(request: Request) -> Auth:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            user = token_user(store, header[7:].strip())
            if user is None:
                raise NotLoggedIn()
            return Auth(user, None, via_token=True)
        token = request.cookies.get(SESSION_COOKIE)
        found = session_user(store, token) if token else None
        if found is None:
            raise NotLoggedIn()
        return Auth(found[0], found[1])

    def same_origin(request: Request) -> bool:
        """A browser names the page a request comes from; it must be this server (no header: not a browser)."""
        host = request.headers.get("host", "")
        origin = request.headers.get("origin")
        if origin is None:
            referer = request.headers.get("referer")
            return not referer or urlsplit(referer).netloc == host
        return origin != "null" and urlsplit(origin).netloc == host

    async def post_auth(request: Request) -> tuple[Auth, Any]:
        """Authenticate a state-changing request and check its CSRF token; returns (auth, form)."""
        auth = authenticate_request(request)
        form = None
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
        if auth.via_token:
            return auth, form
        if not same_origin(request):
            raise Forbidden(
                "cross-site request refused: this form must be sent from the curation app itself"
            )
        given = request.headers.get("x-csrf-token") or (
            form.get("csrf_token") if form is not None else None
        )
        if not csrf_ok(auth.csrf, given if isinstance(given, str) else None):
            raise Forbidden("missing or wrong CSRF token: reload the page and try again")
        return auth, form

    def page(
        request: Request, name: str, auth: Auth | None, status_code: int = 200, **ctx: Any
    ) -> Any:
        msg = request.query_params.get("msg")
        ctx.setdefault("flash", MESSAGES.get(msg or "", ""))
        ctx.setdefault("error", None)
        return templates.TemplateResponse(
            request,
            name,
            {"user": auth.user if auth else None, "csrf": auth.csrf if auth else None, **ctx},
            status_code=status_code,
        )

    def doc_or_404(doc_id: str) -> Any:
        doc = store.document(doc_id)
        if doc is None:
            raise CurationError(f"no document {doc_id!r} in this store")
        return doc

    @app.exception_handler(CurationError)
    async def curation_error(request: Request, exc: CurationError) -> Any:
        status = (
            409
            if isinstance(exc, EditConflict)
            else 403
            if isinstance(exc, NotAllowed)
            else 413
            if isinstance(exc, BodyTooLarge)
            else 404
            if str(exc).startswith("no ")
            else 422
        )
        if wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=status)
        try:
            auth: Auth | None = authenticate_request(request)
        except NotLoggedIn:
            auth = None
        return page(
            request,
            "error.html",
            auth,
            status_code=status,
            title="Cannot do that",
            message=str(exc),
        )

    @app.exception_handler(UnknownRecord)
    async def unknown_record(request: Request, exc: UnknownRecord) -> Any:
        return await curation_error(request, CurationError(str(exc)))

    def scope_for(auth: Auth, doc_id: str, view: str | None) -> str:
        """Whose records a request sees and edits: the shared ones, or the curator's own in double mode."""
        if cur.mode(doc_id) != "double":
            return ""
        if view == "final":
            if not auth.user.can_adjudicate:
                raise Forbidden(
                    f"{auth.user.name} is a {auth.user.role}: only adjudicators edit the final records "
                    "of a document in double curation"
                )
            return ""
        return auth.user.name

    def may_revert(auth: Auth, first: Any) -> None:
        """A curator reverts changes of their own copy, or of the shared records outside double curation."""
        if first.scope and first.scope != auth.user.name:
            raise Forbidden(
                f"change #{first.change_id} belongs to {first.scope}'s independent curation"
            )
        if not first.scope and cur.mode(first.doc_id) == "double" and not auth.user.can_adjudicate:
            raise Forbidden(
                f"change #{first.change_id} changed the final records of a document in double "
                f"curation; {auth.user.name} is a {auth.user.role}: only an adjudicator reverts it"
            )

    def need_adjudicator(auth: Auth) -> None:
        if not auth.user.can_adjudicate:
            raise Forbidden(
                f"{auth.user.name} is a {auth.user.role}: in double curation each curator sees only "
                "their own curation; the comparison is the adjudicator's"
            )

    def doc_url(doc_id: str, **params: Any) -> str:
        q = {k: v for k, v in params.items() if v not in (None, "")}
        return f"/doc/{doc_id}" + (f"?{urlencode(q)}" if q else "")

    from .trials import install_trial_pages

    install_trial_pages(app, env, store, authenticate_request, page)

    # -- login -----------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request, next: str = "/") -> Any:
        token = secrets.token_urlsafe(24)
        resp = page(request, "login.html", None, next=_safe_next(next), login_csrf=token)
        resp.set_cookie(
            LOGIN_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure_cookies,
            max_age=3600,
        )
        return resp

    @app.post("/login")
    async def login(request: Request) -> Any:
        form = await request.form()
        target = _safe_next(str(form.get("next") or "/"))
        cookie = request.cookies.get(LOGIN_COOKIE)
        if not same_origin(request) or not csrf_ok(cookie, str(form.get("csrf_token") or "")):
            raise Forbidden("login form expired or sent from another site: open /login again")
        name = str(form.get("name") or "")
        keys = throttle.keys(name, request.client.host if request.client else None)

        def refused(status: int, error: str, headers: dict[str, str] | None = None) -> Any:
            token = secrets.token_urlsafe(24)
            resp = page(
                request,
                "login.html",
                None,
                status_code=status,
                next=target,
                login_csrf=token,
                error=error,
            )
            resp.set_cookie(
                LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies
            )
            resp.headers.update(headers or {})
            return resp

        wait = throttle.wait(*keys)
        if wait > 0:
            seconds = math.ceil(wait)
            return refused(
                429,
                f"too many failed logins for this account or from your address: try again in "
                f"{seconds} s",
                {"Retry-After": str(seconds)},
            )
        try:
            user = await authenticate_off_loop(store, name, str(form.get("password") or ""))
        except AuthError as e:
            throttle.failed(*keys)
            return refused(401, str(e))
        throttle.succeeded(keys[0])
        token, _ = create_session(store, user)
        resp = RedirectResponse(target, status_code=303)
        resp.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure_cookies,
            max_age=14 * 24 * 3600,
        )
        resp.delete_cookie(LOGIN_COOKIE)
        return resp

    @app.post("/logout")
    async def logout(request: Request) -> Any:
        await post_auth(request)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            end_session(store, token)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    # -- documents -------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    async def documents(
        request: Request, q: str = "", state: str = "", lang: str = "", kind: str = ""
    ) -> Any:
        auth = authenticate_request(request)
        docs = cur.summaries(q=q, state=state, lang=lang, kind=kind)
        all_docs = cur.summaries()
        counts = {
            s: sum(d.state == s for d in all_docs)
            for s in ("new", "in_progress", "curated", "failed")
        }
        langs = sorted({d.lang for d in all_docs if d.lang})
        agreements = {}
        for d in (
            docs if auth.user.can_adjudicate else ()
        ):  # curators do not see how the other curated
            if d.mode == "double" and len(d.curators) >= 2:
                agreements[d.doc_id] = cmp.agreement(
                    cmp.compare(cur, d.doc_id, d.curators[0], d.curators[1])
                )
        return page(
            request,
            "documents.html",
            auth,
            docs=docs,
            counts=counts,
            langs=langs,
            q=q,
            state=state,
            lang=lang,
            kind=kind,
            agreements=agreements,
            total=len(all_docs),
        )

    # -- one document ----------------------------------------------------------------

    def segments(text: str, views: list[RecordView], selected: str | None) -> list[dict[str, Any]]:
        """The text cut at every evidence boundary; each piece knows the records whose evidence covers it."""
        cuts = {0, len(text)}
        spans = []
        for v in views:
            for ev in v.evidence:
                s, e = max(0, int(ev["start"])), min(len(text), int(ev["end"]))
                if s < e:
                    cuts.update((s, e))
                    spans.append((s, e, v))
        bounds = sorted(cuts)
        out = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            covering = [v for s, e, v in spans if s <= a and b <= e]
            ids = list(dict.fromkeys(v.id for v in covering))
            classes = []
            if ids:
                classes.append("hl")
                if all(not v.kept for v in covering):
                    classes.append("dropped")
                elif any(v.status == "machine" for v in covering):
                    classes.append("todo")
                else:
                    classes.append("done")
                if selected in ids:
                    classes.append("sel")
            out.append(
                {"start": a, "text": text[a:b], "ids": " ".join(ids), "cls": " ".join(classes)}
            )
        return out

    def groups(views: list[RecordView]) -> list[tuple[str, list[RecordView]]]:
        by: dict[str, list[RecordView]] = {}
        for v in views:
            by.setdefault(v.trial_group.upper(), []).append(v)
        names = {v.trial_group.upper(): v.trial_group for v in views}
        out = []
        for key, vs in by.items():
            vs.sort(key=lambda v: (v.kind != "trial", v.start))
            out.append((names[key] or "", vs))
        out.sort(key=lambda g: (g[0] == "", min(v.start for v in g[1])))
        return out

    def form_rows(
        kind: str, values: dict[str, Any], machine: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        rows = []
        for spec in field_specs(kind):
            v = values.get(spec.name)
            m = machine.get(spec.name) if machine is not None else None
            rows.append(
                {
                    "spec": spec,
                    "value": v,
                    "shown": display(v),
                    "list": v if isinstance(v, list) else [],
                    "machine": display(m) if machine is not None else None,
                    "differs": machine is not None and display(m) != display(v),
                }
            )
        return rows

    def render_doc(
        request: Request,
        auth: Auth,
        doc_id: str,
        *,
        r: str | None = None,
        pg: int | None = None,
        view: str | None = None,
        status_code: int = 200,
        error: str | None = None,
        attempted: dict[str, Any] | None = None,
    ) -> Any:
        doc = doc_or_404(doc_id)
        scope = scope_for(auth, doc_id, view)
        text = store.text(doc_id) or ""
        views = cur.records(doc_id, scope)
        selected = next((v for v in views if v.id == r), None)
        if selected is None and r:
            selected = cur.record(r, scope)
        idx = views.index(selected) if selected in views else -1
        prev_id = views[idx - 1].id if idx > 0 else None
        next_id = (
            views[idx + 1].id
            if 0 <= idx < len(views) - 1
            else (views[0].id if idx < 0 and views else None)
        )
        is_pdf = doc.path.lower().endswith(".pdf") and Path(doc.path).is_file()
        page_no = pg or (selected.page if selected else 1)
        page_no = max(1, min(page_no, max(doc.pages, 1)))
        size = doc.page_sizes.get(page_no)
        boxes = []
        for v in views:
            for p, (x0, top, x1, bottom) in v.boxes:
                if p == page_no:
                    boxes.append(
                        {
                            "id": v.id,
                            "x": x0,
                            "y": top,
                            "w": max(x1 - x0, 1),
                            "h": max(bottom - top, 1),
                            "sel": selected is not None and v.id == selected.id,
                            "label": v.label,
                        }
                    )
        boxes.sort(key=lambda b: b["sel"])
        history = cur.history(selected.id, scope) if selected else []
        values = dict(selected.values) if selected else {}
        if attempted:
            values.update(attempted)
        ctx = {
            "doc": doc,
            "mode": cur.mode(doc_id),
            "done": cur.done(doc_id),
            "scope": scope,
            "view": "final" if (view == "final" and scope == "") else "",
            "segments": segments(text, views, r),
            "groups": groups(views),
            "selected": selected,
            "prev_id": prev_id,
            "next_id": next_id,
            "is_pdf": is_pdf,
            "page_no": page_no,
            "size": size,
            "boxes": boxes,
            "history": history,
            "rows": form_rows(selected.kind, values, selected.machine) if selected else [],
            "flags": flags_of(selected.fields) if selected else [],
            "scales": SCALES,
            "extras": {k: values.get(k) for k in EXTRA_FIELDS},
            "n_records": len(views),
            "n_reviewed": sum(v.reviewed for v in views),
            "error": error,
            "attempted": attempted,
            "curators": cmp.curators(cur, doc_id),
            "doc_url": doc_url,
        }
        return page(request, "document.html", auth, status_code=status_code, **ctx)

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    async def document(
        request: Request,
        doc_id: str,
        r: str | None = None,
        page: int | None = None,
        view: str | None = None,
    ) -> Any:
        auth = authenticate_request(request)
        if cur.mode(doc_id) == "double":
            await warm(store, doc_id)  # a curator's added records get their boxes from it
        return render_doc(request, auth, doc_id, r=r, pg=page, view=view)

    @app.get("/doc/{doc_id}/page/{n}.png")
    async def page_image(request: Request, doc_id: str, n: int, scale: float = SCALES[0]) -> Any:
        authenticate_request(request)
        doc = doc_or_404(doc_id)
        if not doc.path.lower().endswith(".pdf"):
            raise CurationError(f"no page images for {doc.path}: it is not a PDF")
        if scale not in SCALES:
            raise CurationError(
                f"scale {scale:g} is not allowed; allowed: {', '.join(f'{x:g}' for x in SCALES)}"
            )
        # a limiter of their own: a burst of page images must not take every worker thread (logins hash in one)
        if not hasattr(app.state, "render_limiter"):
            app.state.render_limiter = anyio.CapacityLimiter(2)
        data = await anyio.to_thread.run_sync(
            page_png, doc.path, n, scale, limiter=app.state.render_limiter
        )
        return Response(
            data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
        )

    def form_values(form: Any, kind: str) -> dict[str, Any]:
        raw = {
            k: (form.getlist(k) if spec_of(kind, k).type == "enum_list" else form.get(k))
            for k in {s.name for s in field_specs(kind)}
            if k in form or spec_of(kind, k).type == "enum_list"
        }
        values = parse_form(kind, raw)
        values["optional"] = parse_value(spec_of(kind, "optional"), form.get("optional"))
        values["note"] = str(form.get("note") or "").strip() or None
        return values

    def int_field(form: Any, name: str) -> int:
        try:
            return int(str(form.get(name)))
        except (TypeError, ValueError) as e:
            raise CurationError(f"{name}: {form.get(name)!r} is not a whole number") from e

    @app.post("/doc/{doc_id}/records/{rid}/edit")
    async def edit(request: Request, doc_id: str, rid: str) -> Any:
        auth, form = await post_auth(request)
        view = str(form.get("view") or "") or None
        scope = scope_for(auth, doc_id, view)
        rec = cur.record(rid, scope)
        try:
            values = form_values(form, rec.kind)
        except CurationError as e:
            return render_doc(
                request,
                auth,
                doc_id,
                r=rid,
                view=view,
                status_code=422,
                error=str(e),
                attempted={k: form.get(k) for k in form if k not in ("csrf_token",)},
            )
        try:
            cur.edit(
                auth.user,
                rid,
                values,
                int_field(form, "version"),
                reason=str(form.get("reason") or ""),
                scope=scope,
            )
        except CurationError as e:
            # a lost update is a conflict (the form shows the record as it is now); any other
            # refusal keeps what the curator typed so it can be fixed and sent again
            conflict = isinstance(e, EditConflict)
            return render_doc(
                request,
                auth,
                doc_id,
                r=rid,
                view=view,
                status_code=409 if conflict else 422,
                error=str(e),
                attempted=None if conflict else values,
            )
        return RedirectResponse(doc_url(doc_id, r=rid, view=view, msg="saved"), status_code=303)

    @app.post("/doc/{doc_id}/records/{rid}/status")
    async def status(request: Request, doc_id: str, rid: str) -> Any:
        auth, form = await post_auth(request)
        view = str(form.get("view") or "") or None
        scope = scope_for(auth, doc_id, view)
        action = str(form.get("action") or "")
        try:
            cur.set_status(
                auth.user,
                rid,
                action,
                int_field(form, "version"),
                reason=str(form.get("reason") or ""),
                scope=scope,
            )
        except EditConflict as e:
            return render_doc(
                request, auth, doc_id, r=rid, view=view, status_code=409, error=str(e)
            )
        go = str(form.get("go") or "")
        target = rid
        if go == "next":
            views = cur.records(doc_id, scope)
            ids = [v.id for v in views]
            i = ids.index(rid) if rid in ids else -1
            target = ids[i + 1] if 0 <= i < len(ids) - 1 else rid
        return RedirectResponse(
            doc_url(doc_id, r=target, view=view, msg=STATUS_MESSAGES.get(action, "saved")),
            status_code=303,
        )

    @app.post("/doc/{doc_id}/changes/{cid}/revert")
    async def revert(request: Request, doc_id: str, cid: int) -> Any:
        auth, form = await post_auth(request)
        view = str(form.get("view") or "") or None
        events = cur.events(change_id=cid)
        if not events or events[0].doc_id != doc_id:
            raise CurationError(f"no change #{cid} in document {doc_id}")
        may_revert(auth, events[0])
        try:
            after = cur.revert(auth.user, cid, reason=str(form.get("reason") or "") or None)
        except CurationError as e:
            return render_doc(
                request,
                auth,
                doc_id,
                r=events[0].record_id,
                view=view,
                status_code=409
                if isinstance(e, EditConflict) or "cannot revert" in str(e)
                else 422,
                error=str(e),
            )
        return RedirectResponse(
            doc_url(doc_id, r=after.id, view=view, msg="reverted"), status_code=303
        )

    @app.get("/doc/{doc_id}/new", response_class=HTMLResponse)
    async def new_record(
        request: Request,
        doc_id: str,
        start: int,
        end: int,
        i: int = 0,
        kind: str | None = None,
        view: str | None = None,
    ) -> Any:
        auth = authenticate_request(request)
        doc = doc_or_404(doc_id)
        scope_for(auth, doc_id, view)
        text = store.text(doc_id) or ""
        check_selection(start, end)
        try:
            span = evidence_span(text, start, end)
            # linking the document's text takes a fraction of a second: off the event loop
            proposals = await anyio.to_thread.run_sync(propose_records, text, start, end)
        except ValueError as e:
            raise CurationError(str(e)) from e
        if kind:
            spec_of(kind, "lang")  # validates the kind
            proposals = [p for p in proposals if p["kind"] == kind] or [
                {"kind": kind, "lang": span.lang}
            ]
        i = max(0, min(i, len(proposals) - 1))
        chosen = proposals[i]
        return page(
            request,
            "new_record.html",
            auth,
            doc=doc,
            start=start,
            end=end,
            span=span,
            selection=text[start:end],
            proposals=proposals,
            chosen_i=i,
            chosen=chosen,
            rows=form_rows(chosen["kind"], chosen, None),
            view=view or "",
            doc_url=doc_url,
            extras={"optional": False, "note": None},
            labels=[_proposal_label(p) for p in proposals],
        )

    def _proposal_label(p: dict[str, Any]) -> str:
        rv = RecordView("", "", p["kind"], p, None, "added", 0)
        return f"{p['kind']}: {rv.label}"

    @app.post("/doc/{doc_id}/records")
    async def add(request: Request, doc_id: str) -> Any:
        auth, form = await post_auth(request)
        view = str(form.get("view") or "") or None
        scope = scope_for(auth, doc_id, view)
        kind = str(form.get("kind") or "")
        spec_of(kind, "lang")
        await warm(store, doc_id)
        values = form_values(form, kind)
        values["kind"] = kind
        rec = cur.add(
            auth.user,
            doc_id,
            values,
            int_field(form, "start"),
            int_field(form, "end"),
            reason=str(form.get("reason") or "") or None,
            scope=scope,
        )
        return RedirectResponse(doc_url(doc_id, r=rec.id, view=view, msg="added"), status_code=303)

    @app.post("/doc/{doc_id}/done")
    async def mark_done(request: Request, doc_id: str) -> Any:
        auth, form = await post_auth(request)
        done = str(form.get("done") or "") == "1"
        cur.set_done(auth.user, doc_id, done)
        return RedirectResponse(
            doc_url(doc_id, msg="done" if done else "reopened"), status_code=303
        )

    @app.post("/doc/{doc_id}/mode")
    async def set_mode(request: Request, doc_id: str) -> Any:
        auth, form = await post_auth(request)
        if not auth.user.can_adjudicate:
            raise Forbidden("only an adjudicator or admin switches a document to double curation")
        cur.set_mode(auth.user, doc_id, str(form.get("mode") or ""))
        return RedirectResponse(doc_url(doc_id, msg="mode"), status_code=303)

    # -- double curation -------------------------------------------------------------

    def comparison(doc_id: str, a: str | None, b: str | None) -> Any:
        names = cmp.curators(cur, doc_id)
        a = a or (names[0] if names else None)
        b = b or next((n for n in names if n != a), None)
        if not a or not b:
            return None
        return cmp.compare(cur, doc_id, a, b)

    @app.get("/doc/{doc_id}/compare", response_class=HTMLResponse)
    async def compare_view(
        request: Request, doc_id: str, a: str | None = None, b: str | None = None, all: int = 0
    ) -> Any:
        auth = authenticate_request(request)
        doc = doc_or_404(doc_id)
        need_adjudicator(auth)
        comp = comparison(doc_id, a, b)
        rows = []
        if comp is not None:
            for row in comp.rows if all else [r for r in comp.rows if not r.agree or r.adjudicated]:
                names = [d for d in row.diffs if d != "decision"]
                rows.append(
                    {
                        "row": row,
                        "fields": [
                            {
                                "name": n,
                                "a": display(row.value("a", n)),
                                "b": display(row.value("b", n)),
                                "final": display(row.final.values.get(n)) if row.final else "",
                            }
                            for n in names
                        ],
                    }
                )
        return page(
            request,
            "compare.html",
            auth,
            doc=doc,
            comp=comp,
            rows=rows,
            agreement=cmp.agreement(comp) if comp else None,
            curators=cmp.curators(cur, doc_id),
            show_all=bool(all),
            doc_url=doc_url,
        )

    @app.post("/doc/{doc_id}/compare/adjudicate")
    async def adjudicate(request: Request, doc_id: str) -> Any:
        auth, form = await post_auth(request)
        comp = comparison(doc_id, str(form.get("a") or ""), str(form.get("b") or ""))
        if comp is None:
            raise CurationError("no two independent curations of this document to compare")
        picks = {k[5:]: str(v) for k, v in form.items() if k.startswith("pick.")}
        others = {k[6:]: str(v) for k, v in form.items() if k.startswith("other.")}
        cmp.adjudicate(
            cur,
            auth.user,
            comp,
            str(form.get("key") or ""),
            picks,
            others,
            reason=str(form.get("reason") or "") or None,
        )
        return RedirectResponse(
            f"/doc/{doc_id}/compare?" + urlencode({"a": comp.a, "b": comp.b, "msg": "adjudicated"}),
            status_code=303,
        )

    @app.post("/doc/{doc_id}/compare/apply-agreed")
    async def apply_agreed(request: Request, doc_id: str) -> Any:
        auth, form = await post_auth(request)
        if not auth.user.can_adjudicate:
            raise Forbidden(
                f"{auth.user.name} is a {auth.user.role}; adjudication needs an adjudicator or admin"
            )
        comp = comparison(doc_id, str(form.get("a") or ""), str(form.get("b") or ""))
        if comp is None:
            raise CurationError("no two independent curations of this document to compare")
        cmp.apply_agreed(cur, auth.user, comp)
        return RedirectResponse(
            f"/doc/{doc_id}/compare?" + urlencode({"a": comp.a, "b": comp.b, "msg": "applied"}),
            status_code=303,
        )

    # -- JSON API --------------------------------------------------------------------

    def record_json(v: RecordView) -> dict[str, Any]:
        return {
            "id": v.id,
            "doc_id": v.doc_id,
            "kind": v.kind,
            "status": v.status,
            "version": v.version,
            "machine_changed": v.machine_changed,
            "record": v.fields,
            "machine": v.machine,
            "optional": v.optional,
            "note": v.note,
            "scope": v.scope,
            "boxes": v.boxes,
        }

    @app.get("/api/docs")
    async def api_docs(request: Request, q: str = "", state: str = "", lang: str = "") -> Any:
        authenticate_request(request)
        return [s.__dict__ for s in cur.summaries(q=q, state=state, lang=lang)]

    @app.get("/api/docs/{doc_id}/records")
    async def api_records(request: Request, doc_id: str, view: str | None = None) -> Any:
        auth = authenticate_request(request)
        doc_or_404(doc_id)
        return [record_json(v) for v in cur.records(doc_id, scope_for(auth, doc_id, view))]

    @app.get("/api/records/{rid}")
    async def api_record(request: Request, rid: str, view: str | None = None) -> Any:
        auth = authenticate_request(request)
        base = cur.record(rid)
        return record_json(cur.record(rid, scope_for(auth, base.doc_id, view)))

    async def json_body(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (
            ValueError,
            RecursionError,
        ) as e:  # RecursionError: nested deeper than the parser goes
            raise CurationError(
                "the request body must be a JSON object (it is not JSON, or nested too deep)"
            ) from e
        if not isinstance(body, dict):
            raise CurationError("the request body must be a JSON object")
        return body

    @app.post("/api/records/{rid}")
    async def api_edit(request: Request, rid: str) -> Any:
        auth, _ = await post_auth(request)
        body = await json_body(request)
        base = cur.record(rid)
        scope = scope_for(auth, base.doc_id, body.get("view"))
        rec = cur.record(rid, scope)
        fields_in = body.get("fields") or {}
        if not isinstance(fields_in, dict):
            raise CurationError("fields must be an object of field → value")
        values = {}
        for name, raw in fields_in.items():
            spec = spec_of(rec.kind, name)
            values[name] = (
                raw if not isinstance(raw, str) or spec.type == "text" else parse_value(spec, raw)
            )
        version = body.get("version")
        if not isinstance(version, int):
            raise CurationError("version: send the version of the record you edited (an integer)")
        after = cur.edit(auth.user, rid, values, version, reason=body.get("reason"), scope=scope)
        return record_json(after)

    @app.post("/api/records/{rid}/status")
    async def api_status(request: Request, rid: str) -> Any:
        auth, _ = await post_auth(request)
        body = await json_body(request)
        base = cur.record(rid)
        scope = scope_for(auth, base.doc_id, body.get("view"))
        version = body.get("version")
        if not isinstance(version, int):
            raise CurationError("version: send the version of the record you acted on (an integer)")
        return record_json(
            cur.set_status(
                auth.user,
                rid,
                str(body.get("action")),
                version,
                reason=body.get("reason"),
                scope=scope,
            )
        )

    @app.get("/api/records/{rid}/history")
    async def api_history(request: Request, rid: str) -> Any:
        auth = authenticate_request(request)
        base = cur.record(rid)
        scope = scope_for(auth, base.doc_id, request.query_params.get("view"))
        return [
            {
                "change": c.id,
                "action": c.action,
                "curator": c.curator,
                "time": c.time,
                "reason": c.reason,
                "reverts": c.reverts,
                "reverted_by": c.reverted_by,
                "events": [{"field": e.field, "old": e.old, "new": e.new} for e in c.events],
            }
            for c in cur.history(rid, scope)
        ]

    @app.post("/api/changes/{cid}/revert")
    async def api_revert(request: Request, cid: int) -> Any:
        auth, _ = await post_auth(request)
        events = cur.events(change_id=cid)
        if events:
            may_revert(auth, events[0])
        return record_json(cur.revert(auth.user, cid))

    @app.post("/api/docs/{doc_id}/propose")
    async def api_propose(request: Request, doc_id: str) -> Any:
        await post_auth(request)
        body = await json_body(request)
        text = store.text(doc_id)
        if text is None:
            raise CurationError(f"no text for document {doc_id!r}")
        try:
            start, end = int(body.get("start", -1)), int(body.get("end", -1))
            check_selection(start, end)
            return await anyio.to_thread.run_sync(propose_records, text, start, end)
        except (TypeError, ValueError) as e:
            raise CurationError(str(e)) from e

    return app


def serve(
    db: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    secure_cookies: bool | None = None,
    allowed_hosts: Iterable[str] = (),
) -> None:
    """Serve the curation app with uvicorn (blocking).

    ``secure_cookies`` defaults to on unless ``host`` is a loopback address
    (:func:`default_secure_cookies`): off this machine, serve it over HTTPS.
    """
    try:
        import uvicorn
    except ImportError as e:  # pragma: no cover - declared dependency
        raise CurationError('serving the curation app needs uvicorn: pip install "extract"') from e
    secure = default_secure_cookies(host) if secure_cookies is None else secure_cookies
    app = create_app(db, host=host, allowed_hosts=allowed_hosts, secure_cookies=secure)
    uvicorn.run(app, host=host, port=port, log_level="info")
