"""Score machine records against gold records: pure, no I/O.

The rules are those of ``shared/spec/RECORDS.md`` ("Matching"). Per document
and per kind, gold and predicted records are matched one to one:

* a pair *matches loosely* when their keys agree — trial: the name with every
  non-alphanumeric character removed, upper-cased; outcome: ``(endpoint, stat,
  value, unit)``; effect: ``(endpoint, measure, value, p_value)``; numbers
  agree within :data:`TOLERANCE`, ``None`` only agrees with ``None``;
* a loose pair *matches strictly* when, in addition, every strict field the
  gold record sets agrees (:data:`STRICT_FIELDS`). A field the gold record
  leaves out (absent from its ``model_fields_set``) is not checked.

The one-to-one assignment is an exact optimum, chosen lexicographically: first
the most required gold records matched, then the most of those matched
strictly, then the most leftover predictions absorbed by optional gold records.
It is solved per connected component of the "keys agree" graph with the
Hungarian algorithm on integer weights, so it is exact and deterministic.

Counting conventions:

* A matched required gold record is a loose TP. A loose TP that fails a strict
  field counts in strict scoring as one FN (the gold) and one FP (the
  prediction), and is listed as a *strict mismatch*.
* A prediction matched to an optional gold record is neither TP nor FP (in
  loose and strict scoring alike); an optional gold record left unmatched is
  not a FN.
* Precision is 1.0 when nothing was predicted (``tp + fp == 0``); recall is 1.0
  when there was nothing to find (``tp + fn == 0``); F1 is their harmonic mean
  and 0.0 when both are 0. So gold scored against itself is 1.0 everywhere —
  including kinds and documents that hold no records, like negative controls —
  an empty prediction has recall 0 (and F1 0) wherever gold has records, and a
  prediction on an empty gold has precision 0.
* Micro-averaging: counts are summed over documents (and kinds) before the
  ratios are taken.
* Per language and per ``source`` (text / table), a matched pair (TP or strict
  mismatch) and a FN count under the gold record's value; an unmatched
  prediction (FP) under its own.
* Per genre (``composed``, ``real_excerpt``, ``real_fulltext``…: what kind of
  document it is, from ``doc_info[doc]["genre"]``), every count of a document
  goes to its genre; ``by_genre_lang`` crosses genre and language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from .records import (
    Effect,
    Evidence,
    GoldEffect,
    GoldOutcome,
    GoldTrial,
    Outcome,
    Trial,
    record_key,
    stable_id,
    trial_key,
)

MachineRecord = Trial | Outcome | Effect
GoldRecordT = GoldTrial | GoldOutcome | GoldEffect

KINDS: tuple[str, ...] = ("trial", "outcome", "effect")
MODES: tuple[str, ...] = ("loose", "strict")
ALL = "all"
TOLERANCE = 1e-6

STRICT_FIELDS: dict[str, tuple[str, ...]] = {
    "trial": (),
    "outcome": (
        "trial",
        "timepoint_months",
        "value_high",
        "qualifier",
        "arm_role",
        "ci_low",
        "ci_high",
    ),
    "effect": ("trial", "ci_low", "ci_high", "p_qualifier", "subgroup"),
}
"""Fields checked in strict matching, beyond the key, per kind."""

FIELDS: tuple[str, ...] = (
    "trial",
    "arm_role",
    "qualifier",
    "value_high",
    "timepoint_months",
    "ci_low",
    "ci_high",
    "p_qualifier",
    "subgroup",
)
"""Every strict field, in the order reports list them."""

_NUMERIC = {"timepoint_months", "value_high", "ci_low", "ci_high"}

ErrorType = Literal["false_positive", "false_negative", "strict_mismatch"]


# --------------------------------------------------------------------------- containers


class PRF(BaseModel):
    """Counts and the ratios derived from them (conventions in the module docstring)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 1.0

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> PRF:
        """Precision/recall/F1 of ``tp``, ``fp``, ``fn`` with the vacuous-1.0 convention."""
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(tp=tp, fp=fp, fn=fn, precision=p, recall=r, f1=f)


class KindScore(BaseModel):
    """Loose and strict scores of one slice (a kind, or all kinds together)."""

    loose: PRF = Field(default_factory=PRF)
    strict: PRF = Field(default_factory=PRF)


class ErrorItem(BaseModel):
    """One false positive, false negative or strict mismatch, with where to look."""

    type: ErrorType
    doc: str
    kind: str
    lang: str
    key: str
    fields: list[str] = Field(default_factory=list)
    """Strict fields that failed (strict mismatches only)."""
    diffs: dict[str, list[Any]] = Field(default_factory=dict)
    """``field -> [gold value, predicted value]`` for each failed field."""
    text: str | None = None
    """Evidence sentence: the prediction's ``evidence[0].text``, else the gold ``text``."""
    page: int | None = None
    gold_text: str | None = None
    gold_page: int | None = None
    gold: dict[str, Any] | None = None
    """The gold record as the curator wrote it (only the fields set)."""
    pred: dict[str, Any] | None = None


class Summary(BaseModel):
    """How much was scored."""

    documents: int = 0
    gold_records: int = 0
    gold_optional: int = 0
    pred_records: int = 0
    optional_matched: int = 0
    """Predictions absorbed by optional gold records (neither TP nor FP)."""
    false_positive: int = 0
    false_negative: int = 0
    strict_mismatch: int = 0


class Scores(BaseModel):
    """Everything :func:`evaluate` measured.

    Score tables map ``"all"`` and each kind to a :class:`KindScore`:
    ``overall[kind]``, ``by_lang[lang][kind]``, ``by_doc[doc][kind]``.
    ``field_failures`` maps ``"all"`` and each kind to ``{field: count}`` over
    strict mismatches (a pair failing two fields counts once for each).
    """

    overall: dict[str, KindScore]
    by_lang: dict[str, dict[str, KindScore]]
    by_doc: dict[str, dict[str, KindScore]]
    by_genre: dict[str, dict[str, KindScore]] = Field(default_factory=dict)
    by_genre_lang: dict[str, dict[str, KindScore]] = Field(default_factory=dict)
    """Keyed ``"<genre>/<lang>"``."""
    by_source: dict[str, dict[str, KindScore]] = Field(default_factory=dict)
    field_failures: dict[str, dict[str, int]]
    summary: Summary
    documents: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per scored document, whatever the caller passed as ``doc_info`` (path, stem, status…)."""
    unscored: list[str] = Field(default_factory=list)
    """Predicted documents that have no gold and were not scored."""
    not_processed: list[dict[str, Any]] = Field(default_factory=list)
    """Scored documents that the prediction failed on or does not hold (``doc``, ``status``,
    ``error``): they are scored as empty predictions, so their gold records are misses."""
    errors: list[ErrorItem] = Field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """JSON-ready metrics: everything but the error listing."""
        return self.model_dump(mode="json", exclude={"errors"})


# --------------------------------------------------------------------------- matching rules


def _num_eq(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def _bucket(rec: Any) -> tuple:
    """The exact-valued part of the key (numbers are compared with a tolerance apart)."""
    if rec.kind == "trial":
        return (trial_key(rec.name),)
    if rec.kind == "outcome":
        return (rec.endpoint, rec.stat, rec.unit)
    return (rec.endpoint, rec.measure)


def loose_match(gold: GoldRecordT | MachineRecord, pred: MachineRecord) -> bool:
    """True when ``gold`` and ``pred`` have the same kind and the same key."""
    if gold.kind != pred.kind or _bucket(gold) != _bucket(pred):
        return False
    if gold.kind == "trial":
        return True
    if gold.kind == "outcome":
        return _num_eq(gold.value, pred.value)
    return _num_eq(gold.value, pred.value) and _num_eq(gold.p_value, pred.p_value)


def strict_failures(gold: GoldRecordT, pred: MachineRecord) -> list[str]:
    """Strict fields set in ``gold`` on which ``pred`` disagrees (empty: strict match)."""
    failed = []
    for name in STRICT_FIELDS[gold.kind]:
        if name not in gold.model_fields_set:
            continue
        g, p = getattr(gold, name), getattr(pred, name)
        if name == "trial":
            ok = trial_key(g) == trial_key(p)
        elif name == "subgroup":
            ok = (g is None) == (p is None)
        elif name in _NUMERIC:
            ok = _num_eq(g, p)
        else:
            ok = g == p
        if not ok:
            failed.append(name)
    return failed


def key_text(rec: GoldRecordT | MachineRecord) -> str:
    """A short human-readable form of a record's key, for listings."""
    if rec.kind == "trial":
        return rec.name
    if rec.kind == "outcome":
        return f"{rec.endpoint} {rec.stat} {_fmt(rec.value)} {rec.unit}"
    p = "" if rec.p_value is None else f" P={_fmt(rec.p_value)}"
    return f"{rec.endpoint} {rec.measure or '-'} {_fmt(rec.value)}{p}"


def _fmt(x: float | None) -> str:
    return "null" if x is None else f"{x:g}"


# --------------------------------------------------------------------------- assignment


def _max_weight_assignment(weights: list[list[int]]) -> list[int]:
    """Exact maximum-weight assignment (Hungarian algorithm, integer weights ≥ 0).

    Returns, for each row, the column it is assigned to (``-1`` if none). Rows
    may outnumber columns. A pair of weight 0 is reported as assigned; callers
    treat it as no match.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    if n == 0 or m == 0:
        return [-1] * n
    if n > m:
        cols = _max_weight_assignment([list(col) for col in zip(*weights, strict=True)])
        rows = [-1] * n
        for j, i in enumerate(cols):
            if i >= 0:
                rows[i] = j
        return rows
    top = max(max(r) for r in weights)
    inf = math.inf
    u = [0] * (n + 1)
    v = [0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            row = weights[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = (top - row[j - 1]) - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    rows = [-1] * n
    for j in range(1, m + 1):
        if p[j]:
            rows[p[j] - 1] = j - 1
    return rows


def match(gold: Sequence[GoldRecordT], pred: Sequence[MachineRecord]) -> list[tuple[int, int]]:
    """One-to-one matching of gold and predicted records of one kind in one document.

    Returns ``(gold index, pred index)`` pairs that match loosely. Among all
    one-to-one matchings it maximizes, in this order: the number of required
    (non-optional) gold records matched; the number of those matched strictly;
    the number of predictions matched to optional gold records.
    """
    # Candidate edges, bucketed on the exact part of the key.
    by_bucket: dict[tuple, list[int]] = {}
    for j, p in enumerate(pred):
        by_bucket.setdefault(_bucket(p), []).append(j)
    edges: dict[int, list[int]] = {}
    for i, g in enumerate(gold):
        hits = [j for j in by_bucket.get(_bucket(g), ()) if loose_match(g, pred[j])]
        if hits:
            edges[i] = hits

    # Connected components (union-find over gold i → i, pred j → len(gold) + j).
    parent = list(range(len(gold) + len(pred)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, js in edges.items():
        for j in js:
            parent[find(i)] = find(len(gold) + j)
    comps: dict[int, tuple[list[int], set[int]]] = {}
    for i, js in edges.items():
        rows_, cols_ = comps.setdefault(find(i), ([], set()))
        rows_.append(i)
        cols_.update(js)

    pairs: list[tuple[int, int]] = []
    for rows, col_set in comps.values():
        cols = sorted(col_set)
        if len(rows) == 1 and len(cols) == 1:
            pairs.append((rows[0], cols[0]))
            continue
        # Lexicographic objective as one integer weight: a required match is worth more than
        # every strict bonus together, a strict bonus more than every optional match together.
        size = max(len(rows), len(cols))
        w_opt, w_strict, w_req = 1, size + 1, (size + 1) * (size + 2)
        col_at = {j: c for c, j in enumerate(cols)}
        weights = [[0] * len(cols) for _ in rows]
        for r, i in enumerate(rows):
            g = gold[i]
            for j in edges[i]:
                if getattr(g, "optional", False):
                    w = w_opt
                else:
                    w = w_req + (w_strict if not strict_failures(g, pred[j]) else 0)
                weights[r][col_at[j]] = w
        for r, c in enumerate(_max_weight_assignment(weights)):
            if c >= 0 and weights[r][c] > 0:
                pairs.append((rows[r], cols[c]))
    return sorted(pairs)


# --------------------------------------------------------------------------- scoring


class _Tally:
    """Loose/strict tp/fp/fn counters for one slice."""

    __slots__ = ("c",)

    def __init__(self) -> None:
        self.c = {m: [0, 0, 0] for m in MODES}

    def add(self, mode: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        t = self.c[mode]
        t[0] += tp
        t[1] += fp
        t[2] += fn

    def score(self) -> KindScore:
        return KindScore(**{m: PRF.from_counts(*self.c[m]) for m in MODES})


class _Slices:
    """Tallies per kind plus ``all`` for one scope (overall, a language, a document)."""

    def __init__(self) -> None:
        self.t = {k: _Tally() for k in (ALL, *KINDS)}

    def add(self, kind: str, mode: str, **counts: int) -> None:
        self.t[kind].add(mode, **counts)
        self.t[ALL].add(mode, **counts)

    def scores(self) -> dict[str, KindScore]:
        return {k: t.score() for k, t in self.t.items()}


def _gold_dump(g: Any) -> dict[str, Any]:
    return g.model_dump(mode="json", exclude_unset=True) | {"kind": g.kind}


def evaluate(
    gold: Mapping[str, Sequence[GoldRecordT]],
    pred: Mapping[str, Sequence[MachineRecord]],
    *,
    doc_info: Mapping[str, Mapping[str, Any]] | None = None,
) -> Scores:
    """Score ``pred`` against ``gold`` with the RECORDS.md matching rules.

    Args:
        gold: document key → gold records. Every key is scored; a key absent
            from ``pred`` is scored as an empty prediction.
        pred: document key → machine records. Keys absent from ``gold`` are not
            scored; they are listed in :attr:`Scores.unscored`.
        doc_info: optional document key → metadata copied into
            :attr:`Scores.documents` (path, stem, status…), for reports.

    Returns:
        The scores and the listing of false positives, false negatives and
        strict mismatches.
    """
    overall = _Slices()
    by_lang: dict[str, _Slices] = {}
    by_doc: dict[str, _Slices] = {}
    by_genre: dict[str, _Slices] = {}
    by_genre_lang: dict[str, _Slices] = {}
    by_source: dict[str, _Slices] = {}
    info = doc_info or {}
    failures: dict[str, dict[str, int]] = {
        ALL: dict.fromkeys(FIELDS, 0),
        **{k: dict.fromkeys(STRICT_FIELDS[k], 0) for k in KINDS if STRICT_FIELDS[k]},
    }
    summary = Summary()
    errors: list[ErrorItem] = []

    def count(doc: str, rec: Any, kind: str, mode: str, **counts: int) -> None:
        lang, genre = rec.lang, info.get(doc, {}).get("genre") or "unspecified"
        overall.add(kind, mode, **counts)
        by_lang.setdefault(lang, _Slices()).add(kind, mode, **counts)
        by_doc[doc].add(kind, mode, **counts)
        by_genre.setdefault(genre, _Slices()).add(kind, mode, **counts)
        by_genre_lang.setdefault(f"{genre}/{lang}", _Slices()).add(kind, mode, **counts)
        by_source.setdefault(getattr(rec, "source", "text"), _Slices()).add(kind, mode, **counts)

    for doc in sorted(gold):
        by_doc[doc] = _Slices()
        summary.documents += 1
        g_all = list(gold[doc])
        p_all = list(pred.get(doc, ()))
        summary.gold_records += sum(not g.optional for g in g_all)
        summary.gold_optional += sum(g.optional for g in g_all)
        summary.pred_records += len(p_all)
        for kind in KINDS:
            gs = [g for g in g_all if g.kind == kind]
            ps = [p for p in p_all if p.kind == kind]
            pairs = match(gs, ps)
            matched_g = {i for i, _ in pairs}
            matched_p = {j for _, j in pairs}
            for i, j in pairs:
                g, p = gs[i], ps[j]
                if g.optional:
                    summary.optional_matched += 1
                    continue
                count(doc, g, kind, "loose", tp=1)
                failed = strict_failures(g, p)
                if not failed:
                    count(doc, g, kind, "strict", tp=1)
                    continue
                count(doc, g, kind, "strict", fp=1, fn=1)
                summary.strict_mismatch += 1
                for f in failed:
                    failures[kind][f] += 1
                    failures[ALL][f] += 1
                errors.append(_error("strict_mismatch", doc, g, p, failed))
            for i, g in enumerate(gs):
                if i in matched_g or g.optional:
                    continue
                for mode in MODES:
                    count(doc, g, kind, mode, fn=1)
                summary.false_negative += 1
                errors.append(_error("false_negative", doc, g, None))
            for j, p in enumerate(ps):
                if j in matched_p:
                    continue
                for mode in MODES:
                    count(doc, p, kind, mode, fp=1)
                summary.false_positive += 1
                errors.append(_error("false_positive", doc, None, p))

    order = {"false_negative": 0, "false_positive": 1, "strict_mismatch": 2}
    errors.sort(key=lambda e: (e.doc, KINDS.index(e.kind), e.page or 0, order[e.type], e.key))
    not_processed = [
        {"doc": doc, "status": info[doc].get("status"), "error": info[doc].get("error")}
        for doc in by_doc
        if doc in info and info[doc].get("status") not in (None, "ok", "gold")
    ]
    return Scores(
        overall=overall.scores(),
        by_lang={lang: s.scores() for lang, s in sorted(by_lang.items())},
        by_doc={doc: s.scores() for doc, s in by_doc.items()},
        by_genre={k: s.scores() for k, s in sorted(by_genre.items())},
        by_genre_lang={k: s.scores() for k, s in sorted(by_genre_lang.items())},
        by_source={k: s.scores() for k, s in sorted(by_source.items())},
        not_processed=not_processed,
        field_failures=failures,
        summary=summary,
        documents={doc: dict(info.get(doc, {})) for doc in by_doc},
        unscored=sorted(set(pred) - set(gold)),
        errors=errors,
    )


def _error(
    type_: ErrorType, doc: str, g: Any | None, p: Any | None, failed: Iterable[str] = ()
) -> ErrorItem:
    failed = list(failed)
    rec = p if p is not None else g
    ev = p.evidence[0] if p is not None else None
    return ErrorItem(
        type=type_,
        doc=doc,
        kind=rec.kind,
        lang=(g if g is not None else p).lang,
        key=key_text(g if g is not None else p),
        fields=failed,
        diffs={f: [getattr(g, f), getattr(p, f)] for f in failed},
        text=ev.text if ev is not None else g.text,
        page=ev.page if ev is not None else g.page,
        gold_text=g.text if g is not None else None,
        gold_page=g.page if g is not None else None,
        gold=_gold_dump(g) if g is not None else None,
        pred=p.model_dump(mode="json") if p is not None else None,
    )


# --------------------------------------------------------------------------- gold as predictions

_MACHINE = {"trial": Trial, "outcome": Outcome, "effect": Effect}
_GOLD_ONLY = {"optional", "text", "page", "note"}


def gold_to_records(
    gold: Mapping[str, Sequence[GoldRecordT]], *, include_optional: bool = False
) -> dict[str, list[MachineRecord]]:
    """Turn gold records into machine records, so gold can be scored as a prediction.

    Gold against itself: ``evaluate(gold, gold_to_records(gold))`` is 1.0
    everywhere. Agreement between two curations A and B of the same documents,
    with B as the reference: ``evaluate(gold_b, gold_to_records(gold_a))``.

    Each record gets ``doc_id`` = the document key, a stable ``id``, and one
    evidence entry built from the gold ``text``/``page`` (page 1 and empty text
    when the curator gave none). Fields the gold leaves out take their defaults.

    Args:
        gold: document key → gold records.
        include_optional: also emit the optional gold records. Off by default: a
            curator's optional record is "may be extracted", not a claim, so in
            an agreement it should neither earn nor cost anything.
    """
    out: dict[str, list[MachineRecord]] = {}
    for doc, records in gold.items():
        seen: dict[tuple, int] = {}
        recs: list[MachineRecord] = []
        for g in records:
            if g.optional and not include_optional:
                continue
            key = record_key(g)
            ordinal = seen.get(key, 0)
            seen[key] = ordinal + 1
            text = g.text or ""
            data = g.model_dump(exclude=_GOLD_ONLY)
            data.update(
                id=stable_id(doc, key, ordinal),
                doc_id=doc,
                evidence=[Evidence(page=g.page or 1, start=0, end=len(text), text=text)],
            )
            recs.append(_MACHINE[g.kind].model_validate(data))
        out[doc] = recs
    return out
