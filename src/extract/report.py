"""Evaluation I/O: read gold and predictions, score them, write and compare reports.

:mod:`extract.evaluate` does the scoring and touches no file; this module is
everything around it:

* :func:`load_gold_dir` — ``corpus/gold/<stem>.jsonl`` files → records per stem.
* :func:`load_predictions` — ``records.jsonl`` plus the ``documents.jsonl``
  beside it (or a directory of gold files, scored as a prediction).
* :func:`pair_documents` / :func:`score_files` — each predicted document is
  scored against the gold file of its stem; several documents may share a stem
  (the seed's ``.txt`` and ``.pdf``) and each is scored on its own; a gold stem
  nobody predicted is scored as an empty prediction; a predicted document
  without gold is not scored; a gold file that covers some pages only
  (``scope.json``, :func:`load_scope`) is scored on those pages.
* :func:`write_report` — ``metrics.json``, ``errors.jsonl``, ``errors.md`` and a
  self-contained ``report.html`` (inline CSS and SVG, no script, no network).
  Every number in the HTML's score tables and charts carries
  ``data-metric="<JSON Pointer into metrics.json>"`` (RFC 6901: ``/overall/outcome/strict/f1``;
  ``/`` inside a key is written ``~1``, ``~`` is written ``~0``).
* :func:`compare_metrics` / :func:`render_comparison` — what improved and what
  regressed against a stored ``metrics.json``.
* :func:`evaluate_command` — what ``extract evaluate`` runs.
"""

from __future__ import annotations

import fnmatch
import html
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ExtractError, RecordError
from .evaluate import (
    ALL,
    FIELDS,
    KINDS,
    MODES,
    GoldRecordT,
    KindScore,
    MachineRecord,
    Scores,
    evaluate,
    gold_to_records,
)
from .records import parse_gold, parse_record

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

METRICS_SCHEMA = "extract.metrics/1"
REPORT_FILES = ("metrics.json", "errors.jsonl", "errors.md", "report.html")


class EvaluationInputError(ExtractError):
    """A gold directory, prediction file or baseline cannot be read."""


# --------------------------------------------------------------------------- loading


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; errors name file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise EvaluationInputError(f"{path}: cannot read: {e}") from e
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise RecordError(f"{path}:{n}: not valid JSON: {e.msg} (column {e.colno})") from e
        if not isinstance(obj, dict):
            raise RecordError(f"{path}:{n}: expected a JSON object, got {type(obj).__name__}")
        out.append((n, obj))
    return out


def load_gold_file(path: str | Path) -> list[GoldRecordT]:
    """Read one gold JSONL file; a bad line raises naming the file, line, field and allowed values."""
    path = Path(path)
    return [parse_gold(obj, where=f"{path}:{n}") for n, obj in _read_jsonl(path)]


def load_gold_dir(path: str | Path) -> dict[str, list[GoldRecordT]]:
    """Read every ``*.jsonl`` directly in ``path`` (not in subdirectories) → records per stem.

    Raises:
        EvaluationInputError: ``path`` is not a directory or holds no gold file.
        RecordError: a line is not JSON or breaks the record contract.
    """
    path = Path(path)
    if not path.is_dir():
        raise EvaluationInputError(f"{path}: gold directory not found")
    files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
    if not files:
        raise EvaluationInputError(f"{path}: no gold files (*.jsonl) in it")
    return {p.stem: load_gold_file(p) for p in files}


GENRES_FILE = "genres.json"


def load_genres(path: str | Path) -> list[tuple[str, str]]:
    """The ``genres.json`` of a gold directory: ``[[stem pattern, genre], …]``, first match wins.

    A genre says what kind of document a gold file scores (``composed`` review,
    ``real_excerpt`` — a real article's abstract and Results text —, ``real_fulltext``…), so
    scores can be read per genre. A directory without the file gives no genres.
    """
    f, data = _gold_dir_json(path, GENRES_FILE)
    if f is None:
        return []
    rules = data.get("genres") if isinstance(data, dict) else None
    if not isinstance(rules, list) or not all(
        isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r) for r in rules
    ):
        raise EvaluationInputError(
            f'{f}: expected {{"genres": [["<stem pattern>", "<genre>"], …]}}'
        )
    return [(a, b) for a, b in rules]


def _gold_dir_json(path: str | Path, name: str) -> tuple[Path | None, Any]:
    """(file, parsed JSON) of a side file of a gold directory; (None, None) when it is absent."""
    f = Path(path) / name
    if not f.is_file():
        return None, None
    try:
        return f, json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EvaluationInputError(f"{f}: cannot read: {e}") from e


SCOPE_FILE = "scope.json"


def load_scope(path: str | Path) -> dict[str, frozenset[int]]:
    """The ``scope.json`` of a gold directory: the pages each listed gold file covers.

    ``{"about": "…", "pages": {"<stem>": [page, …]}}``: a gold file curated for some pages
    of a long document (the results pages of a real PDF) scores only those pages — its
    gold records whose ``page`` is listed, and the predictions with an evidence on a listed
    page (:func:`in_scope`). Stems not listed are scored whole. A directory without the file
    gives no scope.
    """
    f, data = _gold_dir_json(path, SCOPE_FILE)
    if f is None:
        return {}
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict) or not all(
        isinstance(v, list) and v and all(isinstance(n, int) and n >= 1 for n in v)
        for v in pages.values()
    ):
        raise EvaluationInputError(
            f'{f}: expected {{"about": "…", "pages": {{"<stem>": [page, …]}}}} '
            "with at least one page (a number from 1) per stem"
        )
    return {stem: frozenset(v) for stem, v in pages.items()}


def in_scope(rec: GoldRecordT | MachineRecord, pages: frozenset[int]) -> bool:
    """Is a record on one of ``pages``: a gold record by its ``page``, a prediction by any
    of its evidence pages? A gold record without a page is on none."""
    evidence = getattr(rec, "evidence", None)
    if evidence is not None:
        return any(e.page in pages for e in evidence)
    return getattr(rec, "page", None) in pages


def genre_of(stem: str, genres: Sequence[tuple[str, str]]) -> str | None:
    """The genre of the first pattern ``stem`` matches (fnmatch), or None."""
    for pattern, genre in genres:
        if fnmatch.fnmatchcase(stem, pattern):
            return genre
    return None


class DocumentInfo(BaseModel):
    """One line of ``documents.jsonl`` (unknown extra keys are kept)."""

    model_config = ConfigDict(extra="allow")

    doc_id: str | None = None
    """None for an input that could not be read at all (missing, skipped)."""
    path: str
    stem: str | None = None
    pages: int | None = None
    lang: str | None = None
    status: str = "ok"
    error: str | None = None

    @property
    def gold_stem(self) -> str:
        """The stem whose gold file scores this document."""
        return self.stem or Path(self.path).stem


@dataclass
class Predictions:
    """The pipeline's output: its documents and their records (by ``doc_id``)."""

    documents: list[DocumentInfo]
    records: dict[str, list[MachineRecord]] = field(default_factory=dict)
    source: Path | None = None


def load_predictions(path: str | Path) -> Predictions:
    """Read predicted records and the documents they come from.

    ``path`` is either

    * a ``records.jsonl`` with ``documents.jsonl`` in the same directory,
    * a directory holding those two files (e.g. ``outputs/``), or
    * a directory of gold files (``corpus/gold``): each is turned into machine
      records with :func:`extract.evaluate.gold_to_records` (optional records
      left out), so gold can be scored against itself or one curation against
      another.

    Raises:
        EvaluationInputError: a file is missing or a record names an unknown document.
        RecordError: a line is not JSON or breaks the record contract.
    """
    path = Path(path)
    if path.is_dir():
        if (path / "records.jsonl").is_file():
            path = path / "records.jsonl"
        else:
            return _predictions_from_gold(path)
    if not path.is_file():
        raise EvaluationInputError(f"{path}: prediction file not found")
    from .store import documents_path_for

    # `extract run` writes documents.jsonl beside records.jsonl; `extract export` writes
    # <name>.documents.jsonl beside <name>.jsonl
    candidates = [path.with_name("documents.jsonl"), documents_path_for(path)]
    docs_path = next((c for c in candidates if c.is_file()), candidates[0])
    if not docs_path.is_file():
        raise EvaluationInputError(
            f"{path}: needs its documents beside it (doc_id → stem): "
            f"{candidates[0].name} or {candidates[1].name} not found"
        )
    documents = []
    for n, obj in _read_jsonl(docs_path):
        try:
            documents.append(DocumentInfo.model_validate(obj))
        except ValidationError as e:
            bad = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
            raise RecordError(f"{docs_path}:{n}: {bad}") from e
    known = {d.doc_id for d in documents}
    records: dict[str, list[MachineRecord]] = {d.doc_id: [] for d in documents}
    for n, obj in _read_jsonl(path):
        rec = parse_record(obj, where=f"{path}:{n}")
        if rec.doc_id not in known:
            raise EvaluationInputError(f"{path}:{n}: doc_id {rec.doc_id!r} is not in {docs_path}")
        records[rec.doc_id].append(rec)
    return Predictions(documents=documents, records=records, source=path)


def _predictions_from_gold(path: Path) -> Predictions:
    gold = load_gold_dir(path)
    records = gold_to_records(gold)
    documents = [
        DocumentInfo(doc_id=stem, path=str(path / f"{stem}.jsonl"), stem=stem, status="gold")
        for stem in gold
    ]
    return Predictions(documents=documents, records=records, source=path)


@dataclass
class Paired:
    """Gold and predictions keyed by the same document keys, ready for :func:`evaluate`."""

    gold: dict[str, list[GoldRecordT]]
    pred: dict[str, list[MachineRecord]]
    info: dict[str, dict[str, Any]]


def pair_documents(
    gold: Mapping[str, list[GoldRecordT]],
    predictions: Predictions,
    genres: Sequence[tuple[str, str]] = (),
    scope: Mapping[str, frozenset[int]] | None = None,
) -> Paired:
    """Key each scored document and give it its gold.

    A predicted document's key is its file name (``000_05e11c3b259efc19.pdf``),
    so that a stored baseline compares across machines and checkouts whatever
    the pipeline wrote as ``path``; the full path when two documents share a
    name, and the ``doc_id`` appended when they share a path. It is scored
    against ``gold[stem]``. A gold stem with no predicted document is keyed by
    the stem and scored against an empty prediction. Predicted documents whose
    stem has no gold are keyed too but get no gold, so :func:`evaluate` lists
    them as unscored. Files listed as ``skipped`` (not a document type) are left out.
    For a stem ``scope`` lists (:func:`load_scope`), only its gold and predicted records
    on the listed pages are kept (:func:`in_scope`), and its info says ``scope_pages``.
    """
    out = Paired(gold={}, pred={}, info={})
    # a file `extract run` passed over (not a document type it reads: a gold .jsonl beside the
    # documents) is no prediction of any document
    documents = [d for d in predictions.documents if d.status != "skipped"]
    paths = Counter(d.path for d in documents)
    names = Counter(Path(d.path).name for d in documents)
    predicted_stems = set()
    for d in documents:
        if names[Path(d.path).name] == 1:
            key = Path(d.path).name
        else:
            key = d.path if paths[d.path] == 1 else f"{d.path} [{d.doc_id}]"
        stem = d.gold_stem
        out.pred[key] = list(predictions.records.get(d.doc_id, []))
        if stem in gold:
            predicted_stems.add(stem)
            out.gold[key] = list(gold[stem])
            out.info[key] = {
                "stem": stem,
                "path": d.path,
                "doc_id": d.doc_id,
                "lang": d.lang,
                "status": d.status,
                "error": d.error,
                "genre": genre_of(stem, genres),
            }
    for stem in gold:
        if stem not in predicted_stems:
            key = stem if stem not in out.pred else f"{stem} (gold)"
            out.gold[key] = list(gold[stem])
            out.info[key] = {
                "stem": stem,
                "path": None,
                "doc_id": None,
                "lang": None,
                "status": "not predicted",
                "error": None,
                "genre": genre_of(stem, genres),
            }
    for key, info in out.info.items():
        pages = (scope or {}).get(info["stem"])
        if pages is None:
            continue
        info["scope_pages"] = sorted(pages)
        out.gold[key] = [g for g in out.gold[key] if in_scope(g, pages)]
        if key in out.pred:
            out.pred[key] = [p for p in out.pred[key] if in_scope(p, pages)]
    return out


def score_files(gold_dir: str | Path, pred: str | Path) -> Scores:
    """Load ``gold_dir`` and ``pred`` (see :func:`load_predictions`) and score them."""
    paired = pair_documents(
        load_gold_dir(gold_dir),
        load_predictions(pred),
        load_genres(gold_dir),
        load_scope(gold_dir),
    )
    return evaluate(paired.gold, paired.pred, doc_info=paired.info)


def load_metrics(path: str | Path) -> dict[str, Any]:
    """Read a stored ``metrics.json`` (e.g. ``corpus/gold/baseline.json``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise EvaluationInputError(f"{path}: cannot read metrics: {e}") from e
    except json.JSONDecodeError as e:
        raise EvaluationInputError(f"{path}:{e.lineno}: not valid JSON: {e.msg}") from e
    if not isinstance(data, dict) or "overall" not in data:
        raise EvaluationInputError(f"{path}: not a metrics file (no 'overall' scores)")
    return data


# --------------------------------------------------------------------------- metrics, errors


def metrics_dict(scores: Scores) -> dict[str, Any]:
    """What ``metrics.json`` holds: every score, no error listing."""
    return {"schema": METRICS_SCHEMA, **scores.metrics()}


def pointer(*parts: object) -> str:
    """RFC 6901 JSON Pointer to ``parts`` (``pointer("by_doc", "a/b.pdf")`` → ``/by_doc/a~1b.pdf``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve_pointer(doc: Any, ptr: str) -> Any:
    """The value at JSON Pointer ``ptr`` in ``doc``."""
    if ptr == "":
        return doc
    for raw in ptr.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


_TYPE_LABEL = {
    "false_negative": "FN",
    "false_positive": "FP",
    "strict_mismatch": "mismatch",
}


def _v(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False)


def render_errors_md(scores: Scores) -> str:
    """The error listing as Markdown, grouped by document and kind."""
    s = scores.summary
    lines = [
        "# Evaluation errors",
        "",
        f"{s.false_negative} false negatives (FN), {s.false_positive} false positives (FP), "
        f"{s.strict_mismatch} strict mismatches over {s.documents} documents.",
        "Each line: type, kind, key, page, the failing fields as gold → predicted, and the "
        "evidence sentence (the prediction's, else the curator's snippet).",
    ]
    doc = kind = None
    for e in scores.errors:
        if e.doc != doc:
            doc, kind = e.doc, None
            lines += ["", f"## {doc}"]
        if e.kind != kind:
            kind = e.kind
            lines += ["", f"### {kind}", ""]
        page = f" p. {e.page}" if e.page is not None else ""
        diffs = "".join(
            f" — {f}: {_v(g)} → {_v(p)}" for f, (g, p) in ((f, e.diffs[f]) for f in e.fields)
        )
        text = f" — “{e.text.strip()}”" if e.text else ""
        lines.append(f"- **{_TYPE_LABEL[e.type]}** `{e.key}` ({e.lang}){page}{diffs}{text}")
    if scores.unscored:
        lines += ["", "## Not scored (no gold file)", ""]
        lines += [f"- {d}" for d in scores.unscored]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { --loose: #9ecae1; --strict: #2171b5; --bad: #cb181d; --ink: #1b1b1b; --muted: #666;
        --rule: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC",
       "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1400px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid var(--rule);
     padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p.lead, p.note { color: var(--muted); margin: .2rem 0 .8rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
th { font-weight: 600; background: #f6f6f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.vacuous { color: #aaa; }
tr.all td { font-weight: 600; }
.legend span { display: inline-block; margin-right: 1.2rem; }
.sw { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em;
      margin-right: .3em; }
.sw.loose { background: var(--loose); } .sw.strict { background: var(--strict); }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .2rem; }
svg text { font-family: inherit; font-size: 11px; fill: var(--ink); }
svg text.num { font-size: 10px; }
svg .bar-loose { fill: var(--loose); } svg .bar-strict { fill: var(--strict); }
svg .bar-bad { fill: var(--bad); } svg .grid { stroke: var(--rule); }
.status-failed, .status-not-predicted { color: var(--bad); }
table.errors td { font-size: 13px; } table.errors td.ev { max-width: 34rem; }
.tag { display: inline-block; padding: 0 .35rem; border-radius: 3px; font-size: 12px;
       color: #fff; }
.tag.FN { background: #e6550d; } .tag.FP { background: #756bb1; }
.tag.mismatch { background: #31a354; }
code { font-size: 12px; background: #f3f3f3; padding: 0 .2rem; }
"""


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _ratio(x: float) -> str:
    return f"{x:.3f}"


def _td(value: float | int, ptr: str, vacuous: bool = False) -> str:
    text = str(value) if isinstance(value, int) else _ratio(value)
    if vacuous:  # nothing to find and nothing predicted: 1.0 by convention, shown greyed
        return (
            f'<td class="num vacuous" data-metric="{_e(ptr)}" '
            f'title="no gold and no prediction here">{text}</td>'
        )
    return f'<td class="num" data-metric="{_e(ptr)}">{text}</td>'


def _empty(prf: dict[str, Any]) -> bool:
    return prf["tp"] == prf["fp"] == prf["fn"] == 0


_PRF_HEAD = (
    '<th class="num">loose P</th><th class="num">loose R</th><th class="num">loose F1</th>'
    '<th class="num">strict P</th><th class="num">strict R</th><th class="num">strict F1</th>'
    '<th class="num">TP</th><th class="num">FP</th><th class="num">FN</th>'
    '<th class="num">strict TP</th><th class="num">strict FP</th><th class="num">strict FN</th>'
)


def _prf_cells(m: dict[str, Any], *base: object) -> str:
    cells = [
        _td(m[mode][stat], pointer(*base, mode, stat), _empty(m[mode]))
        for mode in MODES
        for stat in ("precision", "recall", "f1")
    ]
    cells += [
        _td(m[mode][c], pointer(*base, mode, c)) for mode in MODES for c in ("tp", "fp", "fn")
    ]
    return "".join(cells)


def _kind_table(table: dict[str, Any], *base: object) -> str:
    rows = []
    for kind in (ALL, *KINDS):
        cls = ' class="all"' if kind == ALL else ""
        rows.append(f"<tr{cls}><th>{kind}</th>{_prf_cells(table[kind], *base, kind)}</tr>")
    return f"<table><tr><th>kind</th>{_PRF_HEAD}</tr>{''.join(rows)}</table>"


def _f1_chart(table: dict[str, Any], title: str, *base: object) -> str:
    """Vertical bars: loose and strict F1 for all kinds and each kind."""
    w, h, top, bottom, left = 380, 210, 18, 40, 8
    plot = h - top - bottom
    group = (w - left * 2) / 4
    bw = group * 0.36
    parts = [
        f'<line class="grid" x1="{left}" x2="{w - left}" y1="{top + plot * f:.1f}" '
        f'y2="{top + plot * f:.1f}"/>'
        for f in (0, 0.5, 1)
    ]
    for g, kind in enumerate((ALL, *KINDS)):
        x0 = left + g * group + group * 0.1
        for k, mode in enumerate(MODES):
            v = table[kind][mode]["f1"]
            x = x0 + k * (bw + group * 0.08)
            bh = plot * v
            y = top + plot - bh
            ptr = pointer(*base, kind, mode, "f1")
            parts.append(
                f'<rect class="bar-{mode}" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" '
                f'height="{bh:.1f}"><title>{_e(kind)} {mode} F1</title></rect>'
            )
            parts.append(
                f'<text class="num" data-metric="{_e(ptr)}" x="{x + bw / 2:.1f}" '
                f'y="{y - 3:.1f}" text-anchor="middle">{_ratio(v)}</text>'
            )
        parts.append(
            f'<text x="{left + g * group + group / 2:.1f}" y="{h - bottom + 16}" '
            f'text-anchor="middle">{kind}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{_e(title)}">{"".join(parts)}</svg>'
    )
    return f"<figure><figcaption>{_e(title)}</figcaption>{svg}</figure>"


def _field_chart(failures: dict[str, int], base: str) -> str:
    items = sorted(((n, f) for f, n in failures.items() if n), key=lambda t: (-t[0], t[1]))
    if not items:
        return '<p class="note">No strict mismatches: no field failed.</p>'
    w, row, left, right = 560, 24, 130, 50
    h = row * len(items) + 10
    top_n = items[0][0]
    parts = []
    for r, (n, f) in enumerate(items):
        y = 5 + r * row
        bw = (w - left - right) * n / top_n
        ptr = pointer("field_failures", base, f)
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_e(f)}</text>')
        parts.append(
            f'<rect class="bar-bad" x="{left}" y="{y + 3}" width="{bw:.1f}" height="{row - 8}">'
            f"<title>{_e(f)}</title></rect>"
        )
        parts.append(
            f'<text class="num" data-metric="{_e(ptr)}" x="{left + bw + 5:.1f}" '
            f'y="{y + 15}">{n}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="strict field failures">'
        f"{''.join(parts)}</svg>"
    )


def _doc_chart(by_doc: dict[str, Any]) -> str:
    docs = list(by_doc)
    if not docs:
        return '<p class="note">No document scored.</p>'
    w, left, right, bar = 900, 330, 60, 12
    row = bar * 2 + 12
    h = row * len(docs) + 10
    span = w - left - right
    parts = []
    for r, doc in enumerate(docs):
        y = 5 + r * row
        label = doc if len(doc) <= 48 else "…" + doc[-47:]
        parts.append(
            f'<text x="{left - 8}" y="{y + bar + 4}" text-anchor="end">{_e(label)}'
            f"<title>{_e(doc)}</title></text>"
        )
        for k, mode in enumerate(MODES):
            v = by_doc[doc][ALL][mode]["f1"]
            yy = y + k * bar
            ptr = pointer("by_doc", doc, ALL, mode, "f1")
            parts.append(
                f'<rect class="bar-{mode}" x="{left}" y="{yy}" width="{span * v:.1f}" '
                f'height="{bar - 1}"><title>{_e(doc)} {mode} F1</title></rect>'
            )
            parts.append(
                f'<text class="num" data-metric="{_e(ptr)}" x="{left + span * v + 4:.1f}" '
                f'y="{yy + bar - 2}">{_ratio(v)}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="F1 per document">'
        f"{''.join(parts)}</svg>"
    )


def _doc_table(m: dict[str, Any]) -> str:
    head = (
        "<tr><th>document</th><th>status</th>"
        + "".join(
            f'<th class="num">{k} loose F1</th><th class="num">{k} strict F1</th>'
            for k in (ALL, *KINDS)
        )
        + '<th class="num">TP</th><th class="num">FP</th><th class="num">FN</th></tr>'
    )
    rows = []
    for doc, table in m["by_doc"].items():
        info = m["documents"].get(doc, {})
        status = info.get("status") or ""
        err = f" — {_e(info['error'])}" if info.get("error") else ""
        cells = "".join(
            _td(table[k][mode]["f1"], pointer("by_doc", doc, k, mode, "f1"), _empty(table[k][mode]))
            for k in (ALL, *KINDS)
            for mode in MODES
        )
        cells += "".join(
            _td(table[ALL]["loose"][c], pointer("by_doc", doc, ALL, "loose", c))
            for c in ("tp", "fp", "fn")
        )
        cls = "status-" + status.replace(" ", "-")
        rows.append(
            f'<tr><th>{_e(doc)}</th><td class="{_e(cls)}">{_e(status)}{err}</td>{cells}</tr>'
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _errors_section(scores: Scores) -> str:
    if not scores.errors:
        return '<p class="note">No false positive, false negative or strict mismatch.</p>'
    rows = []
    for i, e in enumerate(scores.errors):
        label = _TYPE_LABEL[e.type]
        diffs = "<br>".join(
            f"{_e(f)}: <code>{_e(_v(e.diffs[f][0]))}</code> → <code>{_e(_v(e.diffs[f][1]))}</code>"
            for f in e.fields
        )
        page = f"p. {e.page}" if e.page is not None else ""
        rows.append(
            f'<tr data-error="{i}"><td><span class="tag {label}">{label}</span></td>'
            f"<td>{_e(e.doc)}</td><td>{_e(e.kind)}</td><td>{_e(e.lang)}</td>"
            f"<td><code>{_e(e.key)}</code></td><td>{diffs}</td>"
            f'<td class="page">{_e(page)}</td><td class="ev">{_e(e.text or "")}</td></tr>'
        )
    return (
        '<p class="note">Row <i>n</i> is line <i>n</i>+1 of <code>errors.jsonl</code>; '
        "a strict mismatch shows each failing field as gold → predicted.</p>"
        '<table class="errors"><tr><th>type</th><th>document</th><th>kind</th><th>lang</th>'
        "<th>key</th><th>failed fields</th><th>page</th><th>evidence</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _checks_section(predictions: Predictions) -> str:
    """The predictions' failed consistency checks and the forest plot of their ratios."""
    from .checks import CHECKS
    from .forest import forest_svg
    from .trials import Found, forest_rows, show_value

    stems = {d.doc_id: d.gold_stem for d in predictions.documents}
    found = [
        Found(r.id, doc_id, stems.get(doc_id, doc_id), r.lang, "machine", r.model_dump(mode="json"))
        for doc_id, recs in predictions.records.items()
        for r in recs
    ]
    flagged = [f for f in found if f.flags]
    counts = {c.id: sum(c.id in f.flags for f in flagged) for c in CHECKS}
    table = "".join(
        f'<tr><th><code>{_e(c.id)}</code></th><td class="count" data-check="{_e(c.id)}">{counts[c.id]}</td>'
        f"<td>{_e(c.explanation)}</td></tr>"
        for c in CHECKS
    )
    rows = "".join(
        f'<tr class="flagged-record"><td>{_e(f.stem)}</td><td>{_e(f.record["kind"])}</td>'
        f"<td>{_e(f.record.get('trial') or f.record.get('name') or '')}</td>"
        f"<td>{_e(f.record.get('endpoint') or '')}</td>"
        f"<td>{_e(show_value(f.record) if f.record['kind'] != 'trial' else '')}</td>"
        f"<td>{'<br>'.join(f'<code>{_e(x)}</code>' for x in f.flags)}</td>"
        f'<td>{_e(f.page)}</td><td class="ev">{_e(f.sentence[:300])}</td></tr>'
        for f in flagged
    )
    listing = (
        '<table class="errors"><tr><th>document</th><th>kind</th><th>trial</th><th>endpoint</th><th>value</th>'
        f"<th>flags</th><th>page</th><th>evidence</th></tr>{rows}</table>"
        if flagged
        else '<p class="note">No prediction failed a check.</p>'
    )
    forest = forest_svg(forest_rows(found), title="Predicted ratios")
    return f"""
<section id="checks">
<h2>Consistency flags</h2>
<p class="note">Every predicted record is checked against itself and the records beside it
(<code>extract.checks</code>); a failed check flags the record, never changes or drops it.
{len(flagged)} of {len(found)} predictions are flagged.</p>
<table><tr><th>check</th><th>flagged</th><th>what it means</th></tr>{table}</table>
{listing}
</section>
<section id="forest">
<h2>Forest plot</h2>
<p class="note">Predicted hazard, odds and risk ratios with their confidence intervals, per endpoint
(log scale); a red ⚑ row failed a consistency check.</p>
{forest}
</section>
"""


def render_html(scores: Scores, predictions: Predictions | None = None) -> str:
    """``report.html``: one self-contained page (inline CSS and SVG, no script, no network).

    With the ``predictions`` scored, it also lists their failed consistency checks and draws
    the forest plot of their ratios.
    """
    m = metrics_dict(scores)
    s = m["summary"]

    def stat(name: str, label: str) -> str:
        number = f'<span class="num" data-metric="{pointer("summary", name)}">{s[name]}</span>'
        return label.replace("{}", number) if "{}" in label else f"{number} {label}"

    lead = " · ".join(
        [
            stat("documents", "documents scored"),
            stat("gold_records", "gold records"),
            stat("gold_optional", "optional gold records"),
            stat("pred_records", "predictions"),
            stat("optional_matched", "predictions matching optional gold (not counted): {}"),
        ]
    )
    err_counts = " · ".join(
        [
            stat("false_negative", "false negatives"),
            stat("false_positive", "false positives"),
            stat("strict_mismatch", "strict mismatches"),
        ]
    )
    legend = (
        '<p class="legend"><span><i class="sw loose"></i>loose (key)</span>'
        '<span><i class="sw strict"></i>strict (key + strict fields)</span></p>'
    )
    charts = [_f1_chart(m["overall"], "All languages", "overall")]
    charts += [
        _f1_chart(table, f"Language: {lang}", "by_lang", lang)
        for lang, table in m["by_lang"].items()
    ]
    lang_tables = "".join(
        f"<h3>{_e(lang)}</h3>{_kind_table(table, 'by_lang', lang)}"
        for lang, table in m["by_lang"].items()
    )
    slice_tables = "".join(
        f"<h3>{_e(title)}: {_e(name)}</h3>{_kind_table(table, key, name)}"
        for key, title in (
            ("by_genre", "Genre"),
            ("by_genre_lang", "Genre / language"),
            ("by_source", "Source"),
        )
        for name, table in m.get(key, {}).items()
    )
    genre_charts = "".join(
        _f1_chart(table, f"Genre: {name}", "by_genre", name)
        for name, table in m.get("by_genre", {}).items()
    )
    not_processed = (
        '<p class="note">Scored as empty (no prediction for the document): '
        + ", ".join(f"<code>{_e(d['doc'])}</code> ({_e(d['status'])})" for d in m["not_processed"])
        + "</p>"
        if m.get("not_processed")
        else ""
    )
    field_rows = "".join(
        f"<tr><th>{_e(f)}</th>"
        + "".join(
            _td(m["field_failures"][k][f], pointer("field_failures", k, f))
            if f in m["field_failures"][k]
            else "<td></td>"
            for k in m["field_failures"]
        )
        + "</tr>"
        for f in FIELDS
    )
    field_table = (
        "<table><tr><th>field</th>"
        + "".join(f'<th class="num">{_e(k)}</th>' for k in m["field_failures"])
        + f"</tr>{field_rows}</table>"
    )
    unscored = (
        '<p class="note">Not scored (no gold file): '
        + ", ".join(f"<code>{_e(d)}</code>" for d in m["unscored"])
        + "</p>"
        if m["unscored"]
        else ""
    )
    body = f"""
<header>
<h1>Evaluation report</h1>
<p class="lead">{lead}</p>
<p class="lead">{err_counts}</p>
</header>
<section id="overall">
<h2>Scores by kind</h2>
<p class="note">Micro-averaged over documents. Loose: the key matches (trial name; outcome
endpoint, stat, value, unit; effect endpoint, measure, value, P). Strict: the key and every
strict field the curator set. Precision is 1 when nothing was predicted, recall 1 when there
was nothing to find.</p>
{_kind_table(m["overall"], "overall")}
</section>
<section id="f1-by-kind-and-language">
<h2>F1 by kind and language</h2>
{legend}
<div class="charts">{"".join(charts)}</div>
{lang_tables}
</section>
<section id="genres">
<h2>By genre, language and source</h2>
<p class="note">Genre is what kind of document a gold file scores (<code>genres.json</code> of the
gold directory): composed reviews, real excerpts (a real article's abstract and Results text),
real full texts. Source is where a record was read: running text or a table.</p>
{legend}
<div class="charts">{genre_charts}</div>
{slice_tables}
</section>
<section id="fields">
<h2>Fields that fail most</h2>
<p class="note">Strict mismatches by the field that failed (a pair failing two fields counts
for both).</p>
{_field_chart(m["field_failures"][ALL], ALL)}
{field_table}
</section>
<section id="documents">
<h2>Per document</h2>
{legend}
{_doc_chart(m["by_doc"])}
{_doc_table(m)}
{not_processed}
{unscored}
</section>
<section id="errors">
<h2>Errors</h2>
{_errors_section(scores)}
</section>
{_checks_section(predictions) if predictions is not None else ""}
"""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evaluation report</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_report(
    scores: Scores, outdir: str | Path, predictions: Predictions | None = None
) -> dict[str, Path]:
    """Write ``metrics.json``, ``errors.jsonl``, ``errors.md`` and ``report.html`` into ``outdir``.

    ``predictions`` (what was scored) adds their consistency flags and forest plot to the page.

    Returns:
        File name → path written.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {name: outdir / name for name in REPORT_FILES}
    paths["metrics.json"].write_text(
        json.dumps(metrics_dict(scores), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    paths["errors.jsonl"].write_text(
        "".join(
            json.dumps(e.model_dump(mode="json"), ensure_ascii=False) + "\n" for e in scores.errors
        ),
        encoding="utf-8",
    )
    paths["errors.md"].write_text(render_errors_md(scores), encoding="utf-8")
    paths["report.html"].write_text(render_html(scores, predictions), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------- comparison


class MetricChange(BaseModel):
    """One metric that differs from the baseline."""

    path: str
    """JSON Pointer into metrics.json."""
    before: float | None
    after: float | None
    delta: float | None
    status: Literal["improved", "regressed", "added", "removed"]


_LOWER_IS_BETTER = ("field_failures", "summary")
_SUMMARY_COUNTS = ("false_positive", "false_negative", "strict_mismatch")


def _leaves(m: Mapping[str, Any]) -> dict[str, float]:
    """The compared metrics: P/R/F1 of every slice, field failures, error counts."""
    out: dict[str, float] = {}

    def tables(scope: str, table: Mapping[str, Any], *base: object) -> None:
        for kind, ks in table.items():
            for mode in MODES:
                for stat in ("precision", "recall", "f1"):
                    v = ks.get(mode, {}).get(stat)
                    if v is not None:
                        out[pointer(scope, *base, kind, mode, stat)] = float(v)

    tables("overall", m.get("overall", {}))
    for lang, t in m.get("by_lang", {}).items():
        tables("by_lang", t, lang)
    for scope in ("by_genre", "by_genre_lang", "by_source"):
        for name, t in m.get(scope, {}).items():
            tables(scope, t, name)
    for doc, t in m.get("by_doc", {}).items():
        tables("by_doc", t, doc)
    for kind, counts in m.get("field_failures", {}).items():
        for f, n in counts.items():
            out[pointer("field_failures", kind, f)] = float(n)
    for name in _SUMMARY_COUNTS:
        if name in m.get("summary", {}):
            out[pointer("summary", name)] = float(m["summary"][name])
    return out


def compare_metrics(
    current: Scores | Mapping[str, Any],
    baseline: Scores | Mapping[str, Any],
    *,
    min_delta: float = 1e-9,
) -> list[MetricChange]:
    """Every compared metric that moved, ordered: overall, languages, fields, counts, documents.

    Precision/recall/F1 improve when they rise; field-failure and error counts
    improve when they fall. A metric present on one side only is ``added`` or
    ``removed`` (e.g. a new document).
    """
    cur = _leaves(metrics_dict(current) if isinstance(current, Scores) else current)
    base = _leaves(metrics_dict(baseline) if isinstance(baseline, Scores) else baseline)
    changes = []
    for path in list(dict.fromkeys([*base, *cur])):
        before, after = base.get(path), cur.get(path)
        if before is None or after is None:
            status = "added" if before is None else "removed"
            changes.append(
                MetricChange(path=path, before=before, after=after, delta=None, status=status)
            )
            continue
        delta = after - before
        if abs(delta) <= min_delta:
            continue
        lower_better = path.split("/")[1] in _LOWER_IS_BETTER
        better = delta < 0 if lower_better else delta > 0
        changes.append(
            MetricChange(
                path=path,
                before=before,
                after=after,
                delta=delta,
                status="improved" if better else "regressed",
            )
        )
    scope = {
        "overall": 0,
        "by_lang": 1,
        "by_genre": 1,
        "by_genre_lang": 1,
        "by_source": 1,
        "field_failures": 2,
        "summary": 3,
        "by_doc": 4,
    }
    changes.sort(key=lambda c: scope.get(c.path.split("/")[1], 9))
    return changes


def _num(x: float | None, path: str) -> str:
    if x is None:
        return "—"
    if path.split("/")[1] in _LOWER_IS_BETTER:
        return str(int(x))
    return f"{x:.3f}"


def render_comparison(changes: list[MetricChange]) -> str:
    """Plain-text account of what regressed and what improved against the baseline."""
    if not changes:
        return "No change against the baseline."
    groups = {
        s: [c for c in changes if c.status == s]
        for s in ("regressed", "improved", "added", "removed")
    }
    head = ", ".join(f"{len(v)} {k}" for k, v in groups.items() if v)
    lines = [f"Against the baseline: {head}."]
    width = max(len(c.path) for c in changes)
    for status, items in groups.items():
        if not items:
            continue
        lines.append(f"{status.capitalize()}:")
        if status in ("added", "removed"):
            # A new or vanished document brings dozens of metrics: name the slice once.
            slices = dict.fromkeys("/".join(c.path.split("/")[:3]) for c in items)
            lines += [f"  {s}" for s in slices]
            continue
        for c in items:
            delta = ""
            if c.delta is not None:
                delta = (
                    f"  ({c.delta:+.0f})"
                    if c.path.split("/")[1] in _LOWER_IS_BETTER
                    else f"  ({c.delta:+.3f})"
                )
            lines.append(
                f"  {c.path:<{width}}  {_num(c.before, c.path)} → {_num(c.after, c.path)}{delta}"
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- command


def summary_table(scores: Scores) -> Table:
    """A compact rich table: loose and strict P/R/F1 per kind and per language."""
    from rich import box
    from rich.table import Table

    from .wording import plural

    t = Table(
        title=f"Evaluation over {plural(scores.summary.documents, 'document')}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption_justify="left",
        show_edge=False,
        collapse_padding=True,
        caption="loose: key fields agree; strict: also trial, arm role, CIs; counts: loose",
    )
    t.add_column("slice", no_wrap=True)
    shown = (("loose", "f1"), ("strict", "precision"), ("strict", "recall"), ("strict", "f1"))
    for mode, stat in shown:
        t.add_column(
            f"{mode} {'F1' if stat == 'f1' else stat[0].upper()}", justify="right", no_wrap=True
        )
    for c in ("TP", "FP", "FN"):
        t.add_column(c, justify="right", no_wrap=True, min_width=4)

    def row(label: str, ks: KindScore, end: bool = False) -> None:
        cells = [f"{getattr(getattr(ks, mode), stat):.3f}" for mode, stat in shown]
        cells += [str(getattr(ks.loose, c)) for c in ("tp", "fp", "fn")]
        t.add_row(label, *cells, end_section=end)

    for kind in (ALL, *KINDS):
        row(kind, scores.overall[kind], end=kind == KINDS[-1])
    for lang, table in scores.by_lang.items():
        row(f"{lang} ({ALL})", table[ALL], end=lang == list(scores.by_lang)[-1])
    genres = {g: v for g, v in scores.by_genre_lang.items() if not g.startswith("unspecified")}
    for name, table in genres.items():
        row(name, table[ALL])
    return t


def evaluate_command(
    gold_dir: str | Path,
    pred: str | Path,
    report_dir: str | Path | None = None,
    baseline: str | Path | None = None,
    console: Console | None = None,
) -> int:
    """Score ``pred`` against ``gold_dir``; print a summary; write the report; compare.

    What ``extract evaluate --gold DIR --pred FILE [--report DIR] [--baseline FILE]`` runs.

    Returns:
        The exit code: 0, or 2 when an input cannot be read (the reason is printed).
    """
    from rich.console import Console
    from rich.text import Text

    console = console or Console()
    try:
        scores = score_files(gold_dir, pred)
        base = load_metrics(baseline) if baseline is not None else None
    except (ExtractError, OSError) as e:
        console.print(Text(f"error: {e}", style="red"), soft_wrap=True)
        return 2

    console.print(summary_table(scores))
    s = scores.summary
    console.print(
        Text(
            f"{s.false_negative} false negatives, {s.false_positive} false positives, "
            f"{s.strict_mismatch} strict mismatches; "
            f"predictions matched to optional gold: {s.optional_matched}."
        )
    )
    worst = sorted((-n, f) for f, n in scores.field_failures[ALL].items() if n)
    if worst:
        console.print(Text("Fields failing most: " + ", ".join(f"{f} {-n}" for n, f in worst[:5])))
    if scores.not_processed:
        console.print(
            Text(
                f"{len(scores.not_processed)} scored documents have no prediction (their gold records "
                "count as misses):",
                style="yellow",
            )
        )
        for d in scores.not_processed:
            why = f" — {d['error']}" if d.get("error") else ""
            console.print(Text(f"  {d['doc']}: {d['status']}{why}", style="yellow"), soft_wrap=True)
    if scores.unscored:
        console.print(Text(f"Not scored (no gold): {', '.join(scores.unscored)}", style="yellow"))
    if report_dir is not None:
        try:
            paths = write_report(scores, report_dir, load_predictions(pred))
        except OSError as e:
            console.print(Text(f"error: cannot write the report: {e}", style="red"))
            return 2
        console.print(Text(f"Report: {paths['report.html']} (metrics.json, errors.md beside it)"))
    if base is not None:
        console.print(Text(render_comparison(compare_metrics(scores, base))))
    return 0
