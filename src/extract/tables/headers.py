"""What a header, a row label or a caption of a table says, by the rules prose is read with.

An endpoint is recognized by :func:`extract.recognize.endpoints.find_endpoints` (a header
``Median OS, months`` or ``客观缓解率`` is read as a sentence would be), then by the short
labels tables use (``cCR``, ``RR (%)``) and by the abbreviations the table's footnotes
define (``HFS, hand-foot syndrome``). Grades, statistics and units come from
``resources/tables.json``; arm roles from :func:`extract.recognize.arms.arm_role`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..link.doc_arms import add_on_base, combination_bases
from ..recognize.arms import arm_role
from ..recognize.endpoints import endpoint_kind, event_in, find_endpoints
from ..rules import load_rules
from .rules import lexicon, rx


@dataclass(frozen=True)
class Topic:
    """What the values of a row or a column are about."""

    code: str
    stat: str | None = None
    timepoint: float | None = None
    grade: str | None = None
    event: str | None = None


def clean(label: str) -> str:
    """A label without its footnote markers and surrounding space."""
    return rx("table.cell_marker.v1").sub("", " ".join(label.split())).strip()


def abbreviations(footnotes: list[str]) -> dict[str, str]:
    """Abbreviation → its words, as the table's footnotes define them."""
    out: dict[str, str] = {}
    for note in footnotes:
        for rule in ("table.footnote_abbreviation.v1", "table.footnote_abbreviation_spaced.v1"):
            for m in rx(rule).finditer(note):
                out.setdefault(m.group("abbr").lower(), m.group("full").strip())
    return out


def grade_of(text: str) -> str | None:
    """The grade a header or label names, as RECORDS.md writes it: "3", "3-4", ">=3"."""
    m = rx("table.grade.v1").search(text)
    if m is None:
        numerals = lexicon("roman_numerals")
        span = rx("table.roman_grade_range.v1").search(text)
        if span is not None:  # "Grade III/IV N (%)"
            lo, hi = numerals[span.group("lo").lower()], numerals[span.group("hi").lower()]
            return f">={lo}" if hi == "5" and int(lo) >= 3 else f"{lo}-{hi}"
        roman = rx("table.roman_grade.v1").match(text)
        return numerals.get(roman.group("r").lower()) if roman else None
    g = {k: v for k, v in m.groupdict().items() if v}
    ge = g.get("ge") or g.get("ge3") or g.get("ge4") or g.get("ge5") or g.get("ge6")
    if ge:
        return f">={ge}"
    lo, hi = (
        g.get("lo") or g.get("lo2") or g.get("lo3") or g.get("lo4"),
        g.get("hi") or g.get("hi2") or g.get("hi3") or g.get("hi4"),
    )
    if lo and hi:
        return f">={lo}" if int(hi) == 5 and int(lo) >= 3 else f"{lo}-{hi}"
    return g.get("one") or g.get("one3") or g.get("one5")


def _endpoints(text: str, lang: str) -> list:
    """Endpoint mentions of a label; none when a survival the vocabulary does not have
    ("failure-free survival", "metastasis-free survival") only ends in a word it has."""
    eps = find_endpoints(text, 0, len(text), lang)
    other = rx("table.other_free_survival.v1").search(text)
    if eps and other and not (eps[0].start <= other.start() and other.end() <= eps[0].end):
        return []
    return eps


def _label_code(text: str, abbrevs: dict[str, str], lang: str) -> str | None:
    """The endpoint of a short label: "cCR", "RR (%)", "CR (cases)", or an abbreviation."""
    key = rx("table.label_unit_tail.v1").sub("", text).strip().lower()
    code = lexicon("label_endpoints").get(key)
    if code is None and key in abbrevs:
        full = abbrevs[key]
        eps = _endpoints(full, lang)
        code = eps[0].code if eps else lexicon("label_endpoints").get(full.lower())
    return code


def topic_of(text: str, lang: str, abbrevs: dict[str, str]) -> Topic | None:
    """The endpoint a label or header names, with its statistic, timepoint and grade."""
    t = clean(text)
    if not t:
        return None
    eps = _endpoints(t, lang)
    if not eps and rx("table.glued_mark.v1").search(t):  # "Stable diseaseb": a glued footnote mark
        eps = _endpoints(t[:-1], lang)
    grade = grade_of(t)
    if eps:
        ep = eps[0]
        tp = ep.timepoints[0] if ep.timepoints else None
        return Topic(ep.code, ep.stat, tp, ep.grade or grade, ep.event)
    code = _label_code(t, abbrevs, lang)
    if code is not None:
        return Topic(code, "rate" if endpoint_kind(code) == "rate" else None, None, grade)
    return None


def event_topic(label: str, lang: str, abbrevs: dict[str, str], grade: str | None) -> Topic:
    """A row of an adverse-event table: the event its label names (in English when known)."""
    t = clean(label)
    if event_in(t) is None:
        t = rx("table.label_marker.v1").sub("", t)
    full = abbrevs.get(t.lower(), t)
    event = event_in(full) or event_in(t) or (full.lower() if lang == "en" else full)
    if rx("table.any_event_label.v1").match(t) and not event_in(t):
        event = None  # "Any AE", "Patients with at least 1 AE": all events together
    return Topic("AE", "rate", None, grade_of(t) or grade, event)


def is_p(text: str) -> bool:
    return bool(rx("table.p_header.v1").match(clean(text)))


def is_statistic(text: str) -> bool:
    return bool(rx("table.test_statistic.v1").match(clean(text)))


def is_arm(text: str) -> bool:
    return bool(rx("table.arm_label.v1").search(text)) and not is_total(text)


def is_total(text: str) -> bool:
    return bool(rx("table.total_label.v1").match(text))


def arm_size(text: str) -> int | None:
    m = rx("table.arm_n.v1").search(text)
    return int(m.group("n") or m.group("n2")) if m else None


def arm_name(text: str) -> str:
    """An arm's header without its size: "Weekly docetaxel (n = 41)" → "Weekly docetaxel"."""
    return clean(rx("table.arm_name_tail.v1").sub("", text)) or clean(text)


def timepoint_of(text: str) -> float | None:
    """A landmark a column header names: "1-year" → 12, "3年" → 36, "6 months" → 6."""
    m = rx("table.timepoint.v1").search(text)
    if m is None:
        return None
    t = m.group("t").lower()
    n = float(t) if t.isdigit() else float(load_rules("numbers.json").lexicon("number_words")[t])
    return n * (12 if m.group("u").lower().rstrip("s") in ("year", "yr", "年") else 1)


def arm_roles(names: list[str]) -> list[str]:
    """Roles of a table's arms, by the rules of text: placebo / 对照组 → control, a combination
    or 观察组 → experimental; of two arms with one role known the other has the opposite one;
    two arms neither of which is a control are both experimental, unless one adds a treatment to
    the other (its control); of three or more, the drugs of a combination each alone are
    controls; one arm alone is single."""
    if len(names) == 1:
        return ["single"]
    roles = [arm_role(n) for n in names]
    if any(is_total(n) for n in names):
        rest = arm_roles([n for n in names if not is_total(n)]) if len(names) > 1 else []
        it = iter(rest)
        return ["single" if is_total(n) else next(it) for n in names]
    roles = [r if r != "single" else None for r in roles]
    if len(names) == 2 and (roles[0] is None) != (roles[1] is None):
        known = roles[0] or roles[1]
        other = "control" if known == "experimental" else "experimental"
        roles = [r or other for r in roles]
    if len(names) == 2 and roles[0] == roles[1] and roles[0] != "control":
        # neither named a control (both combinations, perhaps): the arm the other adds a
        # treatment to is its control
        base = add_on_base(names)
        if base is not None:
            roles = ["control" if i == base else "experimental" for i in range(2)]
    if len(names) > 2 and "control" not in roles:
        bases = combination_bases(names)
        if bases:
            roles = ["control" if i in bases else "experimental" for i in range(len(names))]
    return [r or "experimental" for r in roles]
