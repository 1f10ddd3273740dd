"""Propose a record from a curator's text selection, with the recognizers.

A curator who finds a value the pipeline missed selects it in the document's
normalized text. :func:`propose_records` runs the recognizers of
``extract.recognize`` on the selected span (and on its sentence, for context a
selection rarely includes: the trial, the phase) and returns candidate records
in the contract shape (v2: an outcome carries the CI written right after its
value), most specific first, so that the "add record" form opens pre-filled.
The curator corrects what the recognizers got wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..recognize.arms import find_arms, find_subgroups, value_cue
from ..recognize.endpoints import find_endpoints
from ..recognize.numbers import find_intervals, find_measures, find_p_values, find_values
from ..recognize.trials import find_design, find_enrolment, find_phases, find_trial_mentions
from ..records import canonical_trial_name
from ..segment import detect_language, segment

_TIME_UNITS = {"month", "year", "week", "day"}
_NAME_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[- _][A-Za-z0-9]+)*$")


@dataclass
class Span:
    """The sentence(s) around a selection: the evidence of the proposed record."""

    start: int
    end: int
    text: str
    lang: str


def evidence_span(text: str, start: int, end: int) -> Span:
    """The sentences of ``text`` that the selection ``[start, end)`` overlaps."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"selection [{start}, {end}) is not within the text (0..{len(text)})")
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    s, e = start, end
    for para in segment(text, para_start, para_end):
        for sent in para.sentences:
            if sent.start < end and start < sent.end:
                s, e = min(s, sent.start), max(e, sent.end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e, text[s:e], detect_language(text[s:e]))


_CITATION_AFTER = re.compile(r"\s*(?:(?:trials?|study|studies|研究|试验)\s*)?\^?\[(?P<refs>\d+(?:\s*[,，\-–]\s*\d+)*)\]")
_CONTEXT_CHARS = 800  # how far before a selection its trial may have been named


def _refs_at(text: str, pos: int) -> list[str]:
    """Citation numbers of a marker right at ``pos`` (``^[9]``, ``[3,4]``, ``[5-7]``)."""
    m = _CITATION_AFTER.match(text, pos)
    if not m:
        return []
    out: list[str] = []
    for part in re.split(r"\s*[,，]\s*", m.group("refs")):
        lo, _, hi = part.partition("-") if "-" in part else part.partition("–")
        if hi and lo.isdigit() and hi.isdigit() and int(lo) < int(hi) <= int(lo) + 20:
            out.extend(str(i) for i in range(int(lo), int(hi) + 1))
        else:
            out.append(part.strip())
    return out


def _trial_before(text: str, pos: int) -> tuple[str | None, list[str]]:
    """The trial named last before ``pos`` (within a few paragraphs), with its citation numbers."""
    mentions = find_trial_mentions(text, start=max(0, pos - _CONTEXT_CHARS), end=pos)
    if not mentions:
        return None, []
    m = mentions[-1]
    return m.name, _refs_at(text, m.end)


def _ci_of_value(v: Any, intervals: list[Any], values: list[Any], measures: list[Any]) -> Any | None:
    """The interval written after value ``v`` and before the next value, unless a measure comes between
    (``4.4个月（95%CI: 3.1~6.9）`` is the CI of 4.4; in ``9.8个月，HR 0.73（95%CI …）`` it is the HR's)."""
    following = [x.start for x in values if x.start > v.start]
    nxt = min(following) if following else None
    for ci in intervals:
        if ci.start < v.end or (nxt is not None and ci.start > nxt):
            continue
        if any(v.end <= m.start < ci.start for m in measures):
            return None
        return ci
    return None


def propose_records(text: str, start: int, end: int) -> list[dict[str, Any]]:
    """Candidate records for the selection ``text[start:end]``, most specific first.

    Each candidate is a record dict in the contract shape (``kind``, its fields,
    ``lang`` and one ``evidence`` entry without ``page``, which the caller
    knows). There is always at least one candidate: when the recognizers find
    nothing, an outcome with the selection's first number, or a trial named by
    the selection, so the form still opens with the evidence filled in.
    """
    span = evidence_span(text, start, end)
    lang = span.lang
    evidence = {"start": span.start, "end": span.end, "text": span.text}
    trial, trial_refs = _trial_before(text, start)
    base = {"lang": lang, "evidence": [evidence], "source": "text"}

    measures = find_measures(text, start, end)
    intervals = find_intervals(text, start, end)
    pvalues = find_p_values(text, start, end)
    eps = find_endpoints(text, span.start, end, lang)
    ep_before = [ep for ep in eps if ep.start < end]
    blocked = [(x.start, x.end) for x in [*measures, *intervals, *pvalues]]
    for ep in eps:
        blocked.extend(ep.landmark_spans)
        if ep.grade is not None:
            blocked.append((ep.start, ep.end))
    values = find_values(text, start, end, blocked)
    subgroups = [sg for sg in find_subgroups(text, span.start, end, lang) if sg.end <= start or sg.start >= start]
    subgroup = subgroups[-1].text if subgroups else None

    out: list[dict[str, Any]] = []
    if measures or pvalues:
        m = measures[0] if measures else None
        ci = intervals[0] if intervals else None
        p = pvalues[0] if pvalues else None
        ep = ep_before[-1] if ep_before else None
        out.append({
            "kind": "effect", **base, "trial": trial, "refs": trial_refs, "endpoint": ep.code if ep else None,
            "subgroup": subgroup, "grade": ep.grade if ep else None, "event": ep.event if ep else None,
            "measure": m.measure if m else None, "value": m.value if m else None,
            **_ci_fields(ci), "p_value": p.value if p else None,
            "p_qualifier": p.qualifier if p else None,
        })
    arms = find_arms(text, span.start, span.end)
    sentence_values = find_values(text, span.start, span.end, blocked)
    for v in values:
        if v.unit is None:
            continue
        fitting = [ep for ep in ep_before if ep.start < v.start]
        ep = fitting[-1] if fitting else None
        role, arm = value_cue(text, v.end, min(span.end, v.end + 50))
        before_arms = [a for a in arms if a.end <= v.start]
        if role is None and before_arms:
            # "A对比B…（12.4个月 vs. 9.8个月）": the i-th value after the arms is the i-th arm's
            after = [x.start for x in sentence_values if x.start >= before_arms[-1].end and x.unit == v.unit]
            i = after.index(v.start) if v.start in after else 0
            if len(before_arms) >= 2 and i < 2:
                a = before_arms[-2 + i]
                role, arm = a.role, a.text
        if ep is not None and ep.code == "AE" or v.unit == "percent":
            stat = "rate"
        elif ep is not None and ep.stat == "mean":
            stat = "mean"
        else:
            stat = "median" if v.unit in _TIME_UNITS else "rate"
        out.append({
            "kind": "outcome", **base, "trial": trial, "refs": trial_refs,
            "endpoint": ep.code if ep else None, "stat": stat, "timepoint_months": ep.timepoints[0] if ep and ep.timepoints else None,
            "grade": ep.grade if ep else None, "event": ep.event if ep else None,
            "value": v.value, "value_high": v.value_high, "qualifier": v.qualifier, "unit": v.unit,
            "arm": arm, "arm_role": role or "single", "subgroup": subgroup, "n": None, "events": None,
            **_ci_fields(_ci_of_value(v, intervals, values, measures)),
        })
    mentions = find_trial_mentions(text, start=start, end=end)
    sel = text[start:end].strip()
    named = [(m.name, m.surface, _refs_at(text, m.end)) for m in mentions]
    if not named and _NAME_LIKE.match(sel) and len(sel) <= 40 and not out:
        named = [(canonical_trial_name(sel), sel, _refs_at(text, text.find(sel, start) + len(sel)))]
    for name, surface, refs in named:
        phases = find_phases(text, span.start, span.end)
        ns = find_enrolment(text, lang, span.start, span.end)
        out.append({
            "kind": "trial", **base, "name": name, "aliases": [surface], "refs": refs,
            "phase": phases[0][2] if phases else None, "n": ns[0][2] if ns else None,
            "design": sorted({code for _, _, code in find_design(text, span.start, span.end)}),
            "registry": [],
        })
    if not out:
        nums = re.findall(r"\d+(?:\.\d+)?", text[start:end])
        out.append({
            "kind": "outcome", **base, "trial": trial, "refs": trial_refs,
            "endpoint": ep_before[-1].code if ep_before else None,
            "stat": None, "timepoint_months": None, "grade": None, "event": None,
            "value": float(nums[0]) if nums else None, "value_high": None, "qualifier": "=",
            "unit": None, "arm": None, "arm_role": None, "subgroup": subgroup, "n": None, "events": None,
            **_ci_fields(None),
        })
    return out


def _ci_fields(ci: Any | None) -> dict[str, Any]:
    return {"ci_level": ci.level if ci else None, "ci_low": ci.low if ci else None,
            "ci_high": ci.high if ci else None}
