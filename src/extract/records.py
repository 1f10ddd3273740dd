"""The record contract (``shared/spec/RECORDS.md``) as pydantic models.

Three kinds of record — ``trial``, ``outcome``, ``effect`` — each carrying its
``evidence``: page, character offsets into the document's normalized text, and
the sentence. Vocabularies are ``Literal`` types, so an out-of-vocabulary value
is rejected with the field name and the allowed values; unknown fields are
rejected too (``extra="forbid"``).

Beyond the contract each machine record may carry ``rule_id`` (which rule fired),
as STYLE.md asks for provenance. Gold records (``Gold*``) have the same shapes
without ``id``/``doc_id``/``evidence``, plus ``optional`` and a ``text`` snippet.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from .errors import RecordError

Kind = Literal["trial", "outcome", "effect"]
Lang = Literal["zh", "en"]
Endpoint = Literal[
    "OS",
    "PFS",
    "DFS",
    "EFS",
    "RFS",
    "DOR",
    "TTP",
    "TTF",
    "CSS",
    "DMFS",
    "LRFS",
    "ORR",
    "DCR",
    "CR",
    "PR",
    "SD",
    "pCR",
    "MPR",
    "LC",
    "R0",
    "AE",
    "QOL",
]
Stat = Literal["median", "rate", "mean", "difference"]
Qualifier = Literal["=", "<", "<=", ">", ">=", "~"]
Unit = Literal["month", "year", "week", "day", "percent"]
ArmRole = Literal["experimental", "control", "single"]
Measure = Literal["HR", "OR", "RR", "difference"]
PQualifier = Literal["=", "<", "<=", ">", ">="]
Source = Literal["text", "table"]
Design = Literal[
    "randomized",
    "open-label",
    "double-blind",
    "placebo-controlled",
    "multicenter",
    "single-arm",
    "retrospective",
    "prospective",
]
Phase = Literal["1", "1b", "2", "2a", "2b", "3", "4", "1/2", "1b/2", "2/3"]

ENDPOINTS: tuple[str, ...] = get_args(Endpoint)
DESIGNS: tuple[str, ...] = get_args(Design)


class Cell(BaseModel):
    """A table cell a record used: table index in ``Document.tables``, 0-based row and column."""

    model_config = ConfigDict(extra="forbid")

    table: int = Field(ge=0)
    row: int = Field(ge=0)
    col: int = Field(ge=0)


class Evidence(BaseModel):
    """Where a record was read: 1-based page, offsets into the normalized text, the sentence.

    ``bbox`` is ``[x0, top, x1, bottom]`` in PDF points when the source is a PDF; ``cell``
    lists the table cells used when the record was read from a table (its ``text`` is the row).
    """

    model_config = ConfigDict(extra="forbid")

    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    bbox: list[float] | None = Field(default=None, min_length=4, max_length=4)
    cell: list[Cell] | None = None


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    doc_id: str
    evidence: list[Evidence] = Field(min_length=1)
    lang: Lang
    source: Source = "text"
    flags: list[str] = Field(default_factory=list)
    rule_id: str | None = None


class _TrialFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["trial"] = "trial"
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    phase: Phase | None = None
    n: int | None = Field(default=None, ge=1)
    design: list[Design] = Field(default_factory=list)
    refs: list[str] = Field(default_factory=list)
    registry: list[str] = Field(default_factory=list)


class _ResultFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trial: str | None = None
    refs: list[str] = Field(default_factory=list)
    endpoint: Endpoint
    subgroup: str | None = None
    grade: str | None = None
    event: str | None = None


class _OutcomeFields(_ResultFields):
    kind: Literal["outcome"] = "outcome"
    stat: Stat
    timepoint_months: float | None = Field(default=None, gt=0)
    value: float
    value_high: float | None = None
    qualifier: Qualifier = "="
    unit: Unit
    arm: str | None = None
    arm_role: ArmRole | None = None
    n: int | None = Field(default=None, ge=1)
    events: int | None = Field(default=None, ge=0)
    ci_level: float | None = Field(default=None, gt=0, lt=1)
    ci_low: float | None = None
    ci_high: float | None = None


class _EffectFields(_ResultFields):
    kind: Literal["effect"] = "effect"
    measure: Measure | None = None
    value: float | None = None
    ci_level: float | None = Field(default=None, gt=0, lt=1)
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = Field(default=None, ge=0, le=1)
    p_qualifier: PQualifier | None = None


class Trial(_TrialFields, _Base):
    """kind = trial: a named or cited study."""


class Outcome(_OutcomeFields, _Base):
    """kind = outcome: one arm's (or one cohort's) value for one endpoint."""


class Effect(_EffectFields, _Base):
    """kind = effect: a between-arm comparison (HR/OR/RR/difference and/or P)."""


Record = Annotated[Trial | Outcome | Effect, Field(discriminator="kind")]


class _GoldBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: Lang
    source: Source = "text"
    flags: list[str] = Field(default_factory=list)
    optional: bool = False
    text: str | None = None
    page: int | None = Field(default=None, ge=1)
    note: str | None = None


class GoldTrial(_TrialFields, _GoldBase):
    """A curated trial: same fields as :class:`Trial`, without machine provenance."""


class GoldOutcome(_OutcomeFields, _GoldBase):
    """A curated outcome."""


class GoldEffect(_EffectFields, _GoldBase):
    """A curated effect.

    v1 gold could leave ``endpoint`` out of an effect whose endpoint is outside the
    vocabulary; in v2 such a comparison is no record, so a gold effect without an
    endpoint is accepted only as ``optional`` (it then earns and costs nothing).
    """

    endpoint: Endpoint | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _endpoint_required(self) -> GoldEffect:
        if self.endpoint is None and not self.optional:
            raise ValueError(
                "an effect needs an endpoint from the vocabulary (RECORDS.md v2); "
                "a v1 effect without one is optional or goes"
            )
        return self


GoldRecord = Annotated[GoldTrial | GoldOutcome | GoldEffect, Field(discriminator="kind")]

_record_adapter: TypeAdapter[Trial | Outcome | Effect] = TypeAdapter(Record)
_gold_adapter: TypeAdapter[GoldTrial | GoldOutcome | GoldEffect] = TypeAdapter(GoldRecord)


def _explain(err: ValidationError, where: str) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":
            parts.append(f"{loc}: unknown field")
        elif e["type"] == "literal_error":
            allowed = e.get("ctx", {}).get("expected", "")
            parts.append(f"{loc}: {e['input']!r} is not allowed; allowed: {allowed}")
        else:
            parts.append(f"{loc}: {e['msg']} (got {e.get('input')!r})")
    return f"{where}: " + "; ".join(parts)


def parse_record(data: dict[str, Any], where: str = "record") -> Trial | Outcome | Effect:
    """Validate one machine record; raise :class:`RecordError` naming field and allowed values."""
    try:
        return _record_adapter.validate_python(data)
    except ValidationError as e:
        raise RecordError(_explain(e, where)) from e


def parse_gold(data: dict[str, Any], where: str = "gold") -> GoldTrial | GoldOutcome | GoldEffect:
    """Validate one gold record; the fields it leaves out stay out of ``model_fields_set``."""
    try:
        return _gold_adapter.validate_python(data)
    except ValidationError as e:
        raise RecordError(_explain(e, where)) from e


def record_json_schema() -> dict[str, Any]:
    """JSON Schema of a machine record (what ``extract schema`` prints)."""
    return _record_adapter.json_schema()


def canonical_trial_name(name: str) -> str:
    """RECORDS.md canonical form: upper-cased, spaces/underscores → single hyphens."""
    s = re.sub(r"[\s_]+", "-", name.strip().upper())
    return re.sub(r"-{2,}", "-", s).strip("-")


def trial_key(name: str | None) -> str | None:
    """Matching key: the name with every non-alphanumeric character removed, upper-cased."""
    if name is None:
        return None
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", name).upper()


def doc_id_for_bytes(data: bytes) -> str:
    """Stable document id: first 16 hex of sha256 of the file bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def _num(x: float | None) -> str | None:
    return None if x is None else f"{x:.6g}"


def record_key(rec: BaseModel) -> tuple:
    """The fields that identify a record within its document (used for its stable id)."""
    d = rec
    kind = d.kind  # type: ignore[attr-defined]
    if kind == "trial":
        return ("trial", trial_key(d.name))  # type: ignore[attr-defined]
    common = (
        kind,
        trial_key(d.trial),  # type: ignore[attr-defined]
        d.endpoint,  # type: ignore[attr-defined]
        d.subgroup,  # type: ignore[attr-defined]
        d.grade,  # type: ignore[attr-defined]
        d.event,  # type: ignore[attr-defined]
    )
    if kind == "outcome":
        key = common + (
            d.stat,
            _num(d.timepoint_months),
            _num(d.value),
            _num(d.value_high),  # type: ignore[attr-defined]
            d.qualifier,
            d.unit,
            d.arm_role,  # type: ignore[attr-defined]
        )
        if d.ci_low is not None or d.ci_high is not None:  # type: ignore[attr-defined]
            # v2 fields join the key only when set, so v1 records keep their ids
            key += (_num(d.ci_low), _num(d.ci_high))  # type: ignore[attr-defined]
        return key
    return common + (
        d.measure,
        _num(d.value),
        _num(d.ci_level),
        _num(d.ci_low),
        _num(d.ci_high),  # type: ignore[attr-defined]
        _num(d.p_value),
        d.p_qualifier,  # type: ignore[attr-defined]
    )


def stable_id(doc_id: str, key: Sequence[Any], ordinal: int = 0) -> str:
    """Hash of ``doc_id``, kind and key fields; ``ordinal`` separates exact repeats."""
    payload = json.dumps([doc_id, list(key), ordinal], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def assign_ids(doc_id: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each record dict its stable ``id`` (repeats of one key get ordinals in text order)."""
    seen: Counter[tuple] = Counter()
    out = []
    for r in records:
        model = parse_gold({**_strip_machine(r), "lang": r["lang"]})
        key = record_key(model)
        r = {**r, "id": stable_id(doc_id, key, seen[key])}
        seen[key] += 1
        out.append(r)
    return out


def _strip_machine(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if k not in {"id", "doc_id", "evidence", "rule_id"}}


def record_to_row(rec: Trial | Outcome | Effect) -> dict[str, Any]:
    """Flatten a record for a CSV row: lists joined with ``; ``, first evidence spelled out."""
    d = rec.model_dump()
    ev = d.pop("evidence")
    for k, v in list(d.items()):
        if isinstance(v, list):
            d[k] = "; ".join(str(x) for x in v)
    d["page"] = ev[0]["page"]
    d["start"] = ev[0]["start"]
    d["end"] = ev[0]["end"]
    d["evidence_text"] = ev[0]["text"]
    bbox = ev[0].get("bbox")
    d["bbox"] = None if bbox is None else " ".join(f"{x:g}" for x in bbox)
    cells = [c for e in ev for c in (e.get("cell") or [])]
    d["cell"] = "; ".join(f"t{c['table']}r{c['row']}c{c['col']}" for c in cells) or None
    return d


CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "doc_id",
    "kind",
    "lang",
    "source",
    "name",
    "trial",
    "refs",
    "registry",
    "endpoint",
    "stat",
    "timepoint_months",
    "grade",
    "event",
    "value",
    "value_high",
    "qualifier",
    "unit",
    "arm",
    "arm_role",
    "subgroup",
    "n",
    "events",
    "measure",
    "ci_level",
    "ci_low",
    "ci_high",
    "p_value",
    "p_qualifier",
    "phase",
    "design",
    "aliases",
    "flags",
    "page",
    "start",
    "end",
    "bbox",
    "cell",
    "evidence_text",
    "rule_id",
)


def write_csv(path: Any, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Write ``rows`` as CSV with the bytes ``pandas.DataFrame(rows, columns).to_csv(index=False)``
    writes, without importing pandas (half a second of a one-document run).

    A column that holds only numbers, one of them a float or missing, is a float column
    (``12`` is written ``12.0``); missing values are empty; everything else is ``str()``.
    """
    import csv

    columns = list(columns)
    table = [[row.get(c) for c in columns] for row in rows]
    floats = set()
    for j in range(len(columns)):
        values = [r[j] for r in table]
        present = [v for v in values if v is not None]
        numeric = bool(present) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in present
        )
        if numeric and (len(present) < len(values) or any(isinstance(v, float) for v in present)):
            floats.add(j)
    with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in table:
            w.writerow(
                ["" if v is None else repr(float(v)) if j in floats else v for j, v in enumerate(r)]
            )
