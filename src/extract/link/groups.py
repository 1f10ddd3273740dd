"""Value groups, and the endpoint that governs each.

Values joined by comparison words form a *group* ("12.4个月 vs. 9.8个月", "分别为15.3和
6.4个月", "from 11.0 months with placebo to 22.4 months"). A group is governed by the
nearest endpoint before it whose kind fits the unit (times → survival medians,
percentages → rates), by an endpoint right after a lone value ("34 (83%) had a major
pathological response"), or — for a comparison in parentheses or "corresponding"
values — by the paragraph's last endpoint; without any, the values are no record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..recognize import SentenceSpans
from ..recognize.endpoints import EndpointMention, endpoint_kind
from ..recognize.numbers import Value, unit_code
from ..recognize.trials import TrialMention
from .anchors import Anchor
from .rules import rx

TIME_UNITS = frozenset({"month", "year", "week", "day"})


@dataclass(frozen=True)
class Group:
    """A list or comparison of values, with what linking decided for it."""

    values: tuple[Value, ...]
    endpoints: tuple[EndpointMention, ...]
    rule_id: str
    distributed: str | None = None  # endpoints | timepoints | trials | None
    trials: tuple[TrialMention, ...] = ()
    subgroup: str | None = None
    anchor: Anchor | None = None

    @property
    def start(self) -> int:
        return self.values[0].start

    @property
    def end(self) -> int:
        return self.values[-1].end


def unit_fits(ep: EndpointMention, unit: str | None) -> bool:
    """Can a value in ``unit`` be a result of endpoint mention ``ep``?"""
    if unit in TIME_UNITS:
        # "生存率(60个月)…(37个月)": a survival 率 reported in months is a survival time
        # (corpus/gold/NOTES_adjudication.md, convention 12)
        as_time = ep.stat != "rate" or ep.surface.endswith("率")
        return endpoint_kind(ep.code) == "time" and not ep.timepoints and as_time
    if unit == "percent":
        return endpoint_kind(ep.code) == "rate" or bool(ep.timepoints) or ep.stat == "rate"
    return False


def stat_for(ep: EndpointMention, unit: str, before: str) -> str:
    """The statistic of a value of ``ep`` in ``unit``; ``before`` is the text from the endpoint."""
    if ep.code == "AE":
        return "rate"
    if rx("link.difference.v1").search(before):
        return "difference"
    if unit in TIME_UNITS:
        return "mean" if ep.stat == "mean" else "median"
    return "rate"


def group_values(
    text: str,
    values: tuple[Value, ...],
    blockers: list[int],
    asides: Sequence[tuple[int, int]] = (),
) -> list[tuple[Value, ...]]:
    """Consecutive values joined by comparison words, with nothing recognized between them but
    ``asides`` (the values' own CIs: "93.4 % [95 % CI 80.8–97.8] and 81.4 %"); unit-less members
    borrow the unit of their list ("15.3和6.4个月"); lists without any unit go."""
    groups: list[list[Value]] = []
    for v in values:
        if groups:
            prev = groups[-1][-1]
            blocked = any(prev.end <= b < v.start for b in blockers)
            units_ok = prev.unit is None or v.unit is None or prev.unit == v.unit
            between = _without(text, prev.end, v.start, asides)
            if not blocked and units_ok and (_connects(between) or _bare_list(between, prev, v)):
                groups[-1].append(v)
                continue
        groups.append([v])
    kept = []
    for g in groups:
        units = [v.unit for v in g if v.unit]
        if not units and len(g) > 1 and (unit := _unit_after_own_interval(text, g[-1])):
            units = [unit]  # "15.8 (95% CI: 14.5 - 17.9) and 22.0 (95% CI: 0 - 45.5) months"
        if units:
            kept.append(tuple(_borrow_unit(g, i, units[-1]) for i in range(len(g))))
    return kept


def _unit_after_own_interval(text: str, last: Value) -> str | None:
    """The time unit written once for a list of values each with its own CI, after the last
    value's bracket or inside it after the upper bound."""
    m = rx("link.unit_after_own_interval.v1").match(text, last.end)
    if m is None:
        return None
    return unit_code(m.group("inner") or m.group("after"))


def _without(text: str, lo: int, hi: int, asides: Sequence[tuple[int, int]]) -> str:
    """``text[lo:hi]`` with the ``asides`` inside it left out."""
    out, pos = [], lo
    for a, b in sorted(asides):
        if lo <= a and b <= hi and a >= pos:
            out.append(text[pos:a])
            pos = b
    return "".join(out) + text[pos:hi]


def _borrow_unit(g: list[Value], i: int, last: str) -> Value:
    if g[i].unit is not None:
        return g[i]
    later = [w.unit for w in g[i + 1 :] if w.unit]
    return replace(g[i], unit=later[0] if later else last)


def _bare_list(between: str, prev: Value, v: Value) -> bool:
    """Two values of one unit with only spaces between: a list whose commas a converter lost
    ("1、3、5年无瘤生存率分别为98.6% 94.9% 和 89.3%")."""
    if prev.unit is None or prev.unit != v.unit or not between:
        return False
    # "48.48%(16/33) ）63.64%(21/33)": only counts and brackets between
    rest = rx("link.count_aside.v1").sub("", between)
    return not rest.strip(" ()（）[]")


def _connects(between: str) -> bool:
    """Do two values belong to one list or comparison, judging by the words between them?"""
    if len(between) > 70 or rx("link.respectively.v1").search(between):
        return False  # "…和55.7%, respectively, against 35.7%…", "…，安慰剂组分别为…": a new list
    core = rx("link.parenthesis_aside.v1").sub(" ", rx("link.count_aside.v1").sub(" ", between))
    core = rx("link.arm_phrase.v1").sub(" ", core)
    if not rx("link.connector_word.v1").search(core) and not rx(
        "link.control_in_parenthesis.v1"
    ).fullmatch(between.strip()):
        return False
    rest = rx("link.filler.v1").sub("", rx("link.connector_word.v1").sub("", core))
    return not rest.strip(" ,，;；:：")


def endpoint_list(text: str, eps: tuple[EndpointMention, ...], last: int) -> list[EndpointMention]:
    """The endpoint at index ``last`` with those listed before it: "mPFS和mOS", "PFS、OS和局部控制"."""
    out = [eps[last]]
    i = last - 1
    while i >= 0 and rx("link.endpoint_list_joiner.v1").fullmatch(text[eps[i].end : out[0].start]):
        out.insert(0, eps[i])
        i -= 1
    return out


def governing(
    text: str, s: SentenceSpans, vals: tuple[Value, ...], para_ep: EndpointMention | None
) -> tuple[list[EndpointMention], str] | None:
    """The endpoint(s) a value group reports on (:func:`_governing`), at the landmark written
    right after the group ("98 vs 81% after 1 year"), if any."""
    after = [t for a, _, t in s.landmarks_after if 0 <= a - vals[-1].end <= 2]
    if after and vals[-1].unit == "percent":
        dated = tuple(
            replace(ep, timepoints=[after[0]], stat="rate") if _dateable(ep) else ep
            for ep in s.endpoints
        )
        s = replace(s, endpoints=dated)
    return _governing(text, s, vals, para_ep)


def _dateable(ep: EndpointMention) -> bool:
    """A survival endpoint named without a landmark: rates of it are at some timepoint."""
    return endpoint_kind(ep.code) == "time" and not ep.timepoints


def _governing(
    text: str, s: SentenceSpans, vals: tuple[Value, ...], para_ep: EndpointMention | None
) -> tuple[list[EndpointMention], str] | None:
    """The endpoint(s) a value group reports on and the rule that decided it, or None.

    Values in parentheses or "corresponding" values with no endpoint of their own take the
    paragraph's last endpoint only when they are compared (a P value, an effect measure or a
    versus word: "anorexia (6.8 vs 9.5%)"): "(83.6% and 79.7% in the RT and CRT groups, respectively)" after a
    sentence on response describes tumour grades, not response."""
    start = vals[0].start
    if len(vals) == 1 and rx("link.other_category_after.v1").match(text, vals[0].end, s.end):
        return None  # "11 patients (64.71%) achieved progressive disease": no endpoint's value
    if rx("link.other_category_before.v1").search(text, max(s.start, start - 48), start):
        return None  # "…, and PD (28.6 vs. 28.3 % of patients)": the values of PD
    after = _endpoint_after(text, s, vals)
    if after is not None:
        return [after], "result.endpoint_after.v1"
    before = [i for i, ep in enumerate(s.endpoints) if ep.end <= start]
    if before:
        gap_from = s.endpoints[before[-1]].end
        if not rx("link.follow_up.v1").search(text, gap_from, start) and not rx(
            "link.other_statistic.v1"
        ).search(text, gap_from, start):
            listed = endpoint_list(text, s.endpoints, before[-1])
            fitting = [ep for ep in listed if unit_fits(ep, vals[0].unit)] or _carried_landmark(
                s, listed, vals
            )
            return (fitting, "result.comparison.v1") if fitting else None
    if para_ep is not None and not before and _borrows_paragraph_endpoint(text, s, vals, para_ep):
        # "其中…中获益幅度相对较大（13.9个月 vs. 8.8个月…）": the endpoint of the clause before
        return [para_ep], "result.context_endpoint.v1"
    return None


def _borrows_paragraph_endpoint(
    text: str, s: SentenceSpans, vals: tuple[Value, ...], para_ep: EndpointMention
) -> bool:
    """Do values with no endpoint of their own report the paragraph's last one? Only when they
    are compared (a P value, an effect measure or a versus word) in parentheses or as
    "corresponding" values, and the sentence names no topic of theirs before or after them."""
    start = vals[0].start
    return bool(
        len(vals) >= 2
        and unit_fits(para_ep, vals[0].unit)
        # a comparison (with its test, or a versus word), not a description
        and (
            s.measures
            or s.p_values
            or rx("link.versus.v1").search(text, vals[0].end, vals[1].start)
        )
        and (
            rx("link.open_parenthesis_before.v1").search(text[max(s.start, start - 3) : start])
            or rx("link.corresponding.v1").search(text, s.start, start)
        )
        # "no differences regarding mobilization … (69.2% vs. 70.4%)": the values of that topic
        and not rx("link.topic_named_before.v1").search(text, s.start, start)
        # "30-day (9% vs 8%) and 60-day (15% vs 14%) mortalities were not significantly
        # different": the values of the topic the sentence names after them
        and not rx("link.topic_named_after.v1").match(text, vals[-1].end, s.end)
    )


def _carried_landmark(
    s: SentenceSpans, listed: list[EndpointMention], vals: tuple[Value, ...]
) -> list[EndpointMention]:
    """ "Three-year OS was 78% vs. 82.4%, while DFS was 59% vs. 75.1%": a survival endpoint with
    rates but no landmark of its own takes the one landmark of the sentence's endpoint before it."""
    if vals[0].unit != "percent" or len(listed) != 1 or listed[0].timepoints:
        return []
    ep = listed[0]
    earlier = [e for e in s.endpoints if e.end <= ep.start and e.timepoints]
    if endpoint_kind(ep.code) != "time" or not earlier or len(earlier[-1].timepoints) != 1:
        return []
    return [replace(ep, timepoints=list(earlier[-1].timepoints), stat="rate")]


def _endpoint_after(text: str, s: SentenceSpans, vals: tuple[Value, ...]) -> EndpointMention | None:
    """ "34 (83%) had a major pathological response", "83%的患者达到pCR", "2 (14%) and 3 (27%)
    patients, respectively, had stable disease": the endpoint follows the value(s)."""
    m = rx("link.endpoint_after.v1").match(text, vals[-1].end, s.end)
    if not m:
        return None
    for ep in s.endpoints:
        gap = rx("link.endpoint_qualifier_words.v1").match(text, m.end(), ep.start)
        at = m.end() + (gap.end() - gap.start() if gap else 0)
        if ep.start == at and unit_fits(ep, vals[-1].unit):
            return ep
    return None


def subgroup_for(text: str, s: SentenceSpans, start: int, end: int) -> str | None:
    """The population a value group or effect is reported for: the nearest frame before it in
    its sentence, or one that directly follows the values ("18.4 versus 12.9 months in patients
    with a CPS of 5 or more (HR …)")."""
    follow = [
        x
        for x in s.subgroups
        if x.start >= end and rx("link.arm_tail.v1").fullmatch(text, end, x.start)
    ]
    if follow:
        return follow[0].text
    sgs = [x for x in s.subgroups if x.end <= start]
    return sgs[-1].text if sgs else None
