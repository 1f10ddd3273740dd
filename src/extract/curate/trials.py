"""Trial pages of the curation app: one trial across every document and language.

``/trials`` lists the store's trials (canonical name, aliases, registry ids, documents,
languages, how many rows the documents disagree on) above a forest plot of every hazard,
odds and risk ratio in the store. ``/trial/{key}`` shows one trial: its documents, a forest
plot of its ratios, and its results side by side — one row per endpoint, stat or measure,
landmark, subgroup and arm role, one column per document — with the rows where documents
give different numbers highlighted and every value linked to its evidence on the document
page. The document page gets its own forest plot and the explanation of each failed check
through the template globals installed here.

:func:`install_trial_pages` adds the routes and globals to the app :func:`create_app` builds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ..checks import explain
from ..forest import forest_svg
from ..records import trial_key
from ..trials import (
    Found,
    compare,
    effective_records,
    find_trial,
    forest_rows,
    show_value,
    trial_entities,
)
from .errors import CurationError


def evidence_url(f: Found) -> str:
    """The document page with this record selected: its sentence, its page, its highlight."""
    return f"/doc/{f.doc_id}?{urlencode({'r': f.record_id})}#record"


def trial_url(name: str | None) -> str:
    return "/trial/" + quote(trial_key(name) or "", safe="") if name else ""


def install_trial_pages(
    app: FastAPI,
    env: Any,
    store: Any,
    authenticate: Callable[[Request], Any],
    page: Callable[..., Any],
) -> None:
    """Add ``/trials`` and ``/trial/{key}`` to ``app`` and the template globals the pages use."""

    def doc_forest(doc_id: str) -> Markup:
        _docs, found = effective_records(store)
        mine = [f for f in found if f.doc_id == doc_id]
        return Markup(
            forest_svg(forest_rows(mine, link=evidence_url), title="Ratios in this document")
        )

    env.globals.update(
        explain_flag=explain, trial_url=trial_url, doc_forest=doc_forest, show_value=show_value
    )

    @app.get("/trials", response_class=HTMLResponse)
    async def trials(request: Request) -> Any:
        auth = authenticate(request)
        entities = trial_entities(store)
        summaries = []
        for e in entities:
            _docs, rows = compare(e)
            summaries.append(
                {
                    "e": e,
                    "url": trial_url(e.name),
                    "rows": len(rows),
                    "disagree": sum(r.disagree for r in rows),
                }
            )
        _docs, everything = effective_records(store)
        forest = Markup(
            forest_svg(forest_rows(everything, link=evidence_url), title="Every ratio in the store")
        )
        return page(request, "trials.html", auth, trials=summaries, forest=forest)

    @app.get("/trial/{key}", response_class=HTMLResponse)
    async def trial(request: Request, key: str) -> Any:
        auth = authenticate(request)
        entity = find_trial(store, key)
        if entity is None:
            raise CurationError(
                f"no trial {key!r} in this store (names, aliases and registry ids are looked up)"
            )
        docs, rows = compare(entity)
        forest = Markup(
            forest_svg(forest_rows(entity.results, link=evidence_url), title=entity.name)
        )
        return page(
            request,
            "trial.html",
            auth,
            entity=entity,
            docs=docs,
            rows=rows,
            forest=forest,
            evidence_url=evidence_url,
            n_disagree=sum(r.disagree for r in rows),
        )
