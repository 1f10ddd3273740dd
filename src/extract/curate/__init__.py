"""Curation: a local web tool where curators check every extracted record against the page.

Entry points: :func:`create_app` / :func:`serve` (``extract curate --db …``),
:class:`~extract.curate.service.Curation` for the actions behind it,
:func:`~extract.curate.gold.export_gold` / :func:`~extract.curate.gold.import_gold`
for gold files, and :func:`~extract.curate.db.open_store` for a store with the
curation tables. FastAPI, Jinja2 and uvicorn are imported only when the app is built.
"""

from __future__ import annotations

from typing import Any


def create_app(db: Any, **kwargs: Any) -> Any:
    """Build the FastAPI app over the store at ``db`` (see :mod:`extract.curate.app`)."""
    from .app import create_app as _create

    return _create(db, **kwargs)


def serve(db: Any, host: str = "127.0.0.1", port: int = 8000, **kwargs: Any) -> None:
    """Serve the app with uvicorn; binds 127.0.0.1 unless told otherwise (see :func:`extract.curate.app.serve`)."""
    from .app import serve as _serve

    _serve(db, host, port, **kwargs)


__all__ = ["create_app", "serve"]
