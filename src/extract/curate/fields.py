"""The editable fields of each record kind, read off the contract's pydantic models.

The edit form is generated from these specs (enumerations become selects with
the models' ``Literal`` vocabularies, numbers number inputs with the models'
bounds, lists comma-separated text), and :func:`parse_form` turns the submitted
strings back into typed values. Whatever the form sends, :func:`validate` checks
the resulting record against the contract models, so the browser's checks are a
convenience, never the guard.

Which fields are required is read off the machine models (``Trial``, ``Outcome``,
``Effect``): a curated record must be a record, so an effect needs its endpoint
even though a v1 gold file may leave it out of an optional one. ``flags`` (the
consistency checks that failed) belong to the record and travel with it to gold,
but are shown read-only: a curator corrects the values, not the checks' verdict.

Sizes are bounded too, so one request cannot store megabytes in a record: the
contract's free-text fields (plain ``str`` in the models: trial names, arms,
subgroups, …) hold at most :data:`MAX_TEXT` characters, its lists of strings at
most :data:`MAX_ITEMS` items of that length, a curator's note
:data:`MAX_NOTE` and the reason of a change :data:`MAX_REASON` (see
:func:`check_sizes`). The longest values of the corpus are a fifth of these.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types

from ..errors import RecordError
from ..records import Effect, Kind, Outcome, Trial, parse_gold
from .errors import CurationError

KINDS: tuple[str, ...] = typing.get_args(Kind)
_MODELS = {"trial": Trial, "outcome": Outcome, "effect": Effect}
# not edited as fields: machine provenance, and the gold-only extras kept by the curation tables
_NOT_FIELDS = {"kind", "id", "doc_id", "evidence", "rule_id", "optional", "text", "page", "note"}
READ_ONLY_FIELDS = ("flags",)
"""Contract fields shown but not edited: kept with the record and exported, never in the form."""
_LAST = ("source", "lang")  # after the fields of the kind, in this order
EXTRA_FIELDS = ("optional", "note")
"""Curator-only fields kept beside the record (gold's ``optional`` flag and a free note)."""
MAX_TEXT = 500
"""Characters in a free-text contract field, or in one item of a list field."""
MAX_ITEMS = 200
"""Items in a list field (aliases, refs, registry ids)."""
MAX_NOTE = 5000
"""Characters in a curator's note."""
MAX_REASON = 2000
"""Characters in the reason given for a change."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: Literal["enum", "number", "int", "text", "list", "enum_list", "bool"]
    required: bool
    choices: tuple[str, ...] = ()
    ge: float | None = None  # the model's bounds (pydantic ge / gt / le / lt)
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    max_length: int | None = None  # characters of a text field, items of a list

    @property
    def nullable(self) -> bool:
        return not self.required

    @property
    def min_int(self) -> int | None:
        """The smallest whole number the model allows (``min`` of an int input)."""
        if self.ge is not None:
            return math.ceil(self.ge)
        if self.gt is not None:
            return math.floor(self.gt) + 1
        return None

    @property
    def bounds(self) -> str:
        """The allowed range in words (``> 0 and < 1``), empty when unbounded."""
        parts = [
            f"{op} {display(float(x))}"
            for op, x in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt))
            if x is not None
        ]
        return " and ".join(parts)


def _bounds(metadata: list[Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for m in metadata:
        for name, cls in (
            ("ge", annotated_types.Ge),
            ("gt", annotated_types.Gt),
            ("le", annotated_types.Le),
            ("lt", annotated_types.Lt),
        ):
            if isinstance(m, cls):
                out[name] = float(getattr(m, name))
    return out


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, nullable) of ``X | None``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def _spec(name: str, annotation: Any, metadata: list[Any] | None = None) -> FieldSpec:
    """A field may be left empty exactly when the contract allows ``None`` for it."""
    inner, nullable = _unwrap(annotation)
    bounds = _bounds(metadata or [])
    origin = typing.get_origin(inner)
    if origin is Literal:
        return FieldSpec(name, "enum", not nullable, tuple(str(a) for a in typing.get_args(inner)))
    if origin is list:
        (item,) = typing.get_args(inner)
        if typing.get_origin(item) is Literal:
            return FieldSpec(name, "enum_list", False, tuple(str(a) for a in typing.get_args(item)))
        return FieldSpec(name, "list", False, max_length=MAX_ITEMS)
    if inner is bool:
        return FieldSpec(name, "bool", False)
    if inner is float:
        return FieldSpec(name, "number", not nullable, **bounds)
    if inner is int:
        return FieldSpec(name, "int", not nullable, **bounds)
    return FieldSpec(name, "text", not nullable, max_length=MAX_TEXT)


def field_specs(kind: str) -> list[FieldSpec]:
    """The editable contract fields of ``kind`` in the model's order, then ``source`` and ``lang``."""
    if kind not in _MODELS:
        raise CurationError(f"kind {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    fields = _MODELS[kind].model_fields
    names = [
        n for n in fields if n not in _NOT_FIELDS and n not in READ_ONLY_FIELDS and n not in _LAST
    ]
    return [_spec(n, fields[n].annotation, fields[n].metadata) for n in [*names, *_LAST]]


def spec_of(kind: str, name: str) -> FieldSpec:
    for s in field_specs(kind):
        if s.name == name:
            return s
    if name in EXTRA_FIELDS:
        if name == "optional":
            return FieldSpec(name, "bool", False)
        return FieldSpec(name, "text", False, max_length=MAX_NOTE)
    raise CurationError(
        f"{kind} records have no field {name!r}; fields: {', '.join(s.name for s in field_specs(kind))}"
    )


def parse_value(spec: FieldSpec, raw: str | list[str] | None) -> Any:
    """A submitted form string (or list, for multi-selects) → the typed field value."""
    if spec.type == "enum_list":
        items = raw if isinstance(raw, list) else [x.strip() for x in (raw or "").split(",")]
        items = [x for x in items if x]
        bad = [x for x in items if x not in spec.choices]
        if bad:
            raise CurationError(
                f"{spec.name}: {bad[0]!r} is not allowed; allowed: {', '.join(spec.choices)}"
            )
        return [c for c in spec.choices if c in items]
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    if spec.type == "bool":
        return raw not in (None, "", "0", "false", "off")
    text = (raw or "").strip()
    if spec.type == "list":
        return [x.strip() for x in text.replace("，", ",").split(",") if x.strip()]
    if text == "":
        if spec.required:
            raise CurationError(f"{spec.name}: a value is required")
        return None
    if spec.type == "enum":
        if text not in spec.choices:
            raise CurationError(
                f"{spec.name}: {text!r} is not allowed; allowed: {', '.join(spec.choices)}"
            )
        return text
    if spec.type == "number":
        try:
            v = float(text.replace(",", ""))
        except ValueError as e:
            raise CurationError(f"{spec.name}: {text!r} is not a number") from e
        if not math.isfinite(v):
            raise CurationError(f"{spec.name}: {text!r} is not a finite number")
        return v
    if spec.type == "int":
        try:
            return int(text.replace(",", ""))
        except ValueError as e:
            raise CurationError(f"{spec.name}: {text!r} is not a whole number") from e
    return text


def _too_long(name: str, value: Any, limit: int) -> str | None:
    if isinstance(value, str) and len(value) > limit:
        return f"{name}: at most {limit} characters (got {len(value)})"
    return None


def check_sizes(kind: str, values: dict[str, Any], reason: Any = None) -> None:
    """Refuse values longer than the limits of their fields (and a reason over :data:`MAX_REASON`).

    Raises :class:`CurationError` naming each field, its limit and the size sent.
    Contract fields of the wrong type are left to :func:`validate`; the curator
    extras and the reason, which no model checks, must be text (or null) and
    ``optional`` true or false.
    """
    problems = []
    for name, value in (("note", values.get("note")), ("reason", reason)):
        if value is not None and not isinstance(value, str):
            problems.append(f"{name}: a text or null (got {type(value).__name__})")
    if "optional" in values and not isinstance(values["optional"], bool):
        problems.append(f"optional: true or false (got {type(values['optional']).__name__})")
    known = {s.name: s for s in field_specs(kind)}
    for name, value in values.items():
        spec = known.get(name) or (spec_of(kind, name) if name in EXTRA_FIELDS else None)
        if spec is None or spec.max_length is None:
            continue
        if spec.type == "list" and isinstance(value, list):
            if len(value) > spec.max_length:
                problems.append(f"{name}: at most {spec.max_length} items (got {len(value)})")
            else:
                problems += [p for x in value if (p := _too_long(name, x, MAX_TEXT))][:1]
        elif spec.type == "text" and (p := _too_long(name, value, spec.max_length)):
            problems.append(p)
    if (p := _too_long("reason", reason, MAX_REASON)) is not None:
        problems.append(p)
    if problems:
        raise CurationError("; ".join(problems))


def flags_of(record: dict[str, Any]) -> list[str]:
    """The failed consistency checks a record carries (read-only in the app)."""
    return [str(f) for f in record.get("flags") or []]


def parse_form(kind: str, form: dict[str, Any], names: list[str] | None = None) -> dict[str, Any]:
    """Typed values of the fields of ``kind`` present in ``form`` (or of ``names``).

    All problems are reported together, one per field.
    """
    out: dict[str, Any] = {}
    problems = []
    for spec in field_specs(kind):
        if names is not None and spec.name not in names:
            continue
        if names is None and spec.name not in form and spec.type not in ("enum_list", "bool"):
            continue
        try:
            out[spec.name] = parse_value(spec, form.get(spec.name))
        except CurationError as e:
            problems.append(str(e))
    if problems:
        raise CurationError("; ".join(problems))
    return out


def contract_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The contract fields of a record dict (no id, doc_id, evidence, rule_id or gold extras)."""
    return {k: v for k, v in record.items() if k not in _NOT_FIELDS or k == "kind"}


def validate(record: dict[str, Any], where: str = "record") -> dict[str, Any]:
    """Check ``record``'s contract fields against the model of its kind; return them normalized.

    Raises :class:`CurationError` naming each bad field and what is allowed.
    """
    data = contract_fields(record)
    kind = data.get("kind")
    if kind not in _MODELS:
        raise CurationError(f"{where}: kind {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    try:
        model = parse_gold(data, where=where)
    except RecordError as e:
        raise CurationError(str(e)) from e
    out = model.model_dump(mode="json")
    return {k: out[k] for k in data if k in out} | {"kind": kind}


def same(a: Any, b: Any) -> bool:
    """Field equality as a curator means it: 12.4 == 12.40, None == None, lists by items."""
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


def display(value: Any) -> str:
    """A field value as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e-4 or value == 0 else repr(value)
    if isinstance(value, list):
        return ", ".join(str(x) for x in value)
    return str(value)
