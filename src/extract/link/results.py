"""Results linking: a sentence's recognized spans → outcome and effect records.

Per sentence of each paragraph (:func:`link_sentence`): recognition
(:func:`extract.recognize.recognize`) → value groups and their endpoint
(:mod:`.groups`) → distribution over listed endpoints, timepoints or trials
(:mod:`.distribute`) → subgroup and study anchor → arm roles (:mod:`.roles`) →
outcome records, and effect records (:mod:`.effects`). The paragraph's last endpoint
carries over to the next sentence, for comparisons that do not repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..recognize import SentenceSpans, recognize
from ..recognize.arms import subgroup_levels
from ..recognize.endpoints import EndpointMention
from ..recognize.numbers import Interval, Value, spelled_number
from ..segment import Paragraph, Sentence
from . import emit
from .anchors import Anchor, anchor_of_group, find_anchors
from .context import DocContext
from .distribute import distribute, spread_over_endpoints
from .effects import effect_records
from .groups import Group, governing, group_values, stat_for, subgroup_for
from .roles import ArmRole, both_arms, sentence_roles
from .rules import rx


@dataclass(frozen=True)
class Linked:
    """A record linking made, with the span of the value or effect it was made from."""

    record: dict
    start: int
    end: int


def result_records(ctx: DocContext) -> list[dict]:
    """Outcome and effect records of one document (contract dicts, no ids), in text order."""
    anchors = find_anchors(ctx)
    out: list[dict] = []
    for para in ctx.paragraphs:
        para_ep: EndpointMention | None = None
        for sent in para.sentences:
            if rx("link.design_assumption.v1").search(ctx.text, sent.start, sent.end):
                continue  # "a sample size of 78 patients per arm could detect …": no results
            s = recognize_sentence(ctx, sent)
            out.extend(x.record for x in link_sentence(ctx, s, para, anchors, para_ep))
            if s.endpoints:
                para_ep = s.endpoints[-1]
    return out


def recognize_sentence(ctx: DocContext, sent: Sentence) -> SentenceSpans:
    s = recognize(ctx.text, sent.start, sent.end, sent.lang, ctx.mentions_in(sent.start, sent.end))
    if ctx.survey and any(ep.code == "ORR" for ep in s.endpoints):
        # a survey's response rate is the share who answered ("The response rate before the reminder
        # was 17.9% for the Internet group"), not a tumour response
        kept = tuple(
            ep
            for ep in s.endpoints
            if ep.code != "ORR" or rx("link.tumour_response_words.v1").search(ep.surface)
        )
        s = replace(s, endpoints=kept)
    return s


def link_sentence(
    ctx: DocContext,
    s: SentenceSpans,
    para: Paragraph,
    anchors: list[Anchor],
    para_ep: EndpointMention | None,
) -> list[Linked]:
    """The records of one recognized sentence: each group's outcomes, then the effects."""
    own = value_intervals(ctx.text, s)
    groups = value_groups(ctx, s, para, anchors, para_ep, own)
    out: list[Linked] = []
    for g, roles in zip(groups, sentence_roles(ctx, s, groups), strict=True):
        out.extend(_outcomes(ctx, s, g, roles, own))
    # values each a subgroup's of one cohort ("ALK阳性…16个月，ALK阴性…6个月"): what a P
    # after them compares is no arms
    subgroups_only = len(out) >= 2 and all(x.record.get("arm_role") == "single" for x in out)
    # an interval that is a value's own is no effect's
    owned = list(own.values())
    rest = replace(s, intervals=tuple(i for i in s.intervals if i not in owned))
    out.extend(
        Linked(r, c.start, c.end)
        for c, r in effect_records(ctx, rest, groups, para, anchors, para_ep, subgroups_only)
    )
    return out


def value_intervals(text: str, s: SentenceSpans) -> dict[int, Interval]:
    """Value start → the confidence interval written right after it, which is the value's own:
    "4.4个月（95%CI: 3.1~6.9）", "7.2 months (95% CI, 5.9 to 8.8)" (RECORDS.md v2: the CI of a
    median or a rate). A CI after an effect measure is the measure's."""
    out = {}
    for k, v in enumerate(s.values):
        for i in s.intervals:
            # a CI written between a median and its unit: "10.4 (95% CI, 7.0–15.8) months"; a
            # bare range there is the observed one, no CI ("13.0(4.0~92.0)月", RECORDS.md)
            inside = v.start < i.start and i.end <= v.end and i.level is not None
            if inside or (
                i.start >= v.end
                and rx("link.interval_after_value.v1").fullmatch(text, v.end, i.start)
            ):
                if i.level is not None or i.low <= v.value <= i.high:
                    out[v.start] = i  # a bare one ("81.4 % (60.1–92.1)") holds its value
                    out.update(_listed_intervals(text, s, k, i))
                break
    return out


def _listed_intervals(text: str, s: SentenceSpans, k: int, first: Interval) -> dict[int, Interval]:
    """Value k's interval ``first`` opening a list of intervals after a list of as many values: each
    value's own, in order ("Median PFS was 5.6 and 4.1 months (95% CI, 4.6 to 6.8 and 3.2 to
    5.0, respectively"). Empty when there is no such pair of lists."""
    ivs = [first]
    while (nxt := _listed_after(text, s, ivs[-1])) is not None:
        ivs.append(nxt)
    vals = s.values[: k + 1][-len(ivs) :]
    if len(ivs) < 2 or len(vals) != len(ivs):
        return {}
    gaps = zip(vals, vals[1:], strict=False)
    if not all(rx("link.values_listed.v1").fullmatch(text, a.end, b.start) for a, b in gaps):
        return {}
    return {v.start: i for v, i in zip(vals, ivs, strict=True)}


def _closed(text: str, intervals: list[Interval]) -> list[tuple[int, int]]:
    """Spans of the CIs that close their bracket: what comes after one is outside it ("27.2%
    (95% CI, 14.1-40.4, 12 of 44 …)": the count is still inside)."""
    return [(i.start, i.end) for i in intervals if text[i.end - 1 : i.end] in ")]）】"]


def value_groups(
    ctx: DocContext,
    s: SentenceSpans,
    para: Paragraph,
    anchors: list[Anchor],
    para_ep: EndpointMention | None,
    own: dict[int, Interval],
) -> list[Group]:
    """The sentence's value groups that report on an endpoint, with all linking decided.

    ``own`` are the values' own CIs (:func:`value_intervals`): such a CI does not part a value
    from the next one.
    """
    text = ctx.text
    owned = list(own.values())
    blockers = [ep.start for ep in s.endpoints] + [
        x.start for x in (*s.measures, *s.intervals, *s.p_values) if x not in owned
    ]
    out = []
    for vals, gov in _per_arm_lists(
        text, s, group_values(text, s.values, blockers, _closed(text, owned)), para_ep
    ):
        if gov is None:
            continue
        d = distribute(text, s, vals, *gov)
        out.append(
            Group(
                vals,
                d.endpoints,
                d.rule_id,
                d.over,
                d.trials,
                subgroup=subgroup_for(text, s, vals[0].start, vals[-1].end),
                anchor=anchor_of_group(anchors, para, vals[0].start, s, ctx),
            )
        )
    return out


def value_counts(text: str, s: SentenceSpans, v: Value) -> tuple[int | None, int | None]:
    """(events, n) of a percentage written with its count: "11 of 40 patients (27.5%)",
    "83.33%(25/30)", "2 patients (11.76%)" (RECORDS.md v2). Taken as written: a count that does
    not give the percentage ("8 of 17 (23.53%)") is flagged ``events_mismatch`` by the checks,
    for the curator, not corrected here."""
    if v.unit != "percent":
        return None, None
    if listed_grade(text, s, v) is not None:
        return None, None  # "grade 1 (24%), 2 (67%)": the numbers are grades
    m = rx("link.count_after_share.v1").match(text, v.end, s.end) or rx(
        "link.count_before_share.v1"
    ).search(text, max(s.start, v.start - 40), v.start)
    if m is not None:
        return int(m.group("events")), int(m.group("n")) if m.group("n") else None
    spelled = rx("link.count_word_before_share.v1").search(
        text, max(s.start, v.start - 40), v.start
    )
    return (
        spelled_number(spelled.group("words")) if spelled else None
    ), None  # "Thirty-two patients (44.4%)"


def listed_grade(text: str, s: SentenceSpans, v: Value) -> str | None:
    """The grade a share is written after: "toxicity grade 1 (24%), 2 (67%), or 3 (9%)"."""
    m = rx("link.grade_list_before.v1").search(text, max(s.start, v.start - 60), v.start)
    return m.group("grade") if m else None


def _per_arm_lists(
    text: str, s: SentenceSpans, groups: list[tuple[Value, ...]], para_ep: EndpointMention | None
) -> list[tuple[tuple[Value, ...], tuple[list[EndpointMention], str] | None]]:
    """Each value list with its governing endpoint(s) (:func:`governing`). A list twice as long
    as its endpoint's landmarks, or as the endpoints listed for it with "respectively", is two
    arms' lists: "1、3、5年DFS分别为43%、31%和27%，高表达组为58%、47%和43%" → (43, 31, 27),
    (58, 47, 43)."""
    out = []
    for vals in groups:
        gov = governing(text, s, vals, para_ep)
        t = len(gov[0][0].timepoints) if gov is not None and len(gov[0]) == 1 else 0
        n = len(gov[0]) if gov is not None else 0
        if t >= 2 and len(vals) == 2 * t:
            # the first half starts where the list did: the same endpoint governs it
            out += [(vals[:t], gov), (vals[t:], governing(text, s, vals[t:], para_ep))]
        elif n >= 2 and len(vals) == 2 * n and _versus_pairs(text, vals):
            # "The 3-years PFS and OS for SP vs. S are 71.9% vs. 46.9%, and 88.4% vs. 67.0%,
            # respectively": a pair an endpoint, each pair a comparison of the arms
            eps, rule_id = gov
            out += [(vals[2 * i : 2 * i + 2], ([eps[i]], rule_id)) for i in range(n)]
        elif n >= 2 and len(vals) == 2 * n and spread_over_endpoints(text, s, gov[0]):
            # "mean and median OS … 17.24 and 8.40 (nimotuzumab arm) vs. 9.84 and 8.36 months
            # (placebo arm), respectively": each arm's list spreads over the listed endpoints
            out += [(vals[:n], gov), (vals[n:], gov)]
        else:
            out.append((vals, gov))
    return out


def _versus_pairs(text: str, vals: tuple[Value, ...]) -> bool:
    """Whether values come in pairs each set against the other ("71.9% vs. 46.9%, and 88.4%
    vs. 67.0%"): "vs." inside every pair, never between two pairs."""
    gaps = [
        rx("link.values_versus.v1").fullmatch(text, a.end, b.start) is not None
        for a, b in zip(vals, vals[1:], strict=False)
    ]
    return all(gaps[0::2]) and not any(gaps[1::2])


def _outcomes(
    ctx: DocContext, s: SentenceSpans, g: Group, roles: list[ArmRole], own: dict[int, Interval]
) -> list[Linked]:
    g, roles = both_arms(ctx.text, s, g, roles, ctx.arms.head_to_head)
    cis = _shared_value_intervals(ctx.text, s, g, own)
    levels: tuple[str | None, ...] | None = subgroup_levels(g.subgroup)
    if levels is not None and len(g.values) == 2:
        roles = [ArmRole("single", None)] * 2  # two levels of a factor: subgroups, not arms
    elif levels is not None:
        levels = (None,) * len(g.values)  # a value of neither level alone
    out = []
    for i, v in enumerate(g.values):
        ep = g.endpoints[i] if g.distributed == "endpoints" else g.endpoints[0]
        if ep.code == "AE" and ep.grade is None and (grade := listed_grade(ctx.text, s, v)):
            ep = replace(ep, grade=grade)
        timepoint = (
            ep.timepoints[i]
            if g.distributed == "timepoints"
            else (ep.timepoints[0] if ep.timepoints else None)
        )
        trial, refs = (g.anchor.trial, list(g.anchor.refs)) if g.anchor else (None, [])
        if g.distributed == "trials":
            trial, refs = g.trials[i].name, list(g.trials[i].refs)
        if trial is None and not refs and v.qualifier == "~":
            continue  # "roughly 10% to 15%", "约为55%~60%" with no study behind it: background
        rec = emit.outcome(
            ctx.nd,
            (s.start, s.end),
            s.lang,
            trial=trial,
            refs=refs,
            ep=ep,
            stat=stat_for(ep, v.unit or "", ctx.text[ep.end : g.start]),
            timepoint=timepoint,
            v=v,
            ci=cis[i],
            arm=roles[i].arm,
            role=roles[i].role,
            subgroup=levels[i] if levels is not None else g.subgroup,
            rule_id=g.rule_id,
            **dict(zip(("events", "n"), value_counts(ctx.text, s, v), strict=True)),
        )
        out.append(Linked(rec, v.start, v.end))
    return out


def _shared_value_intervals(
    text: str, s: SentenceSpans, g: Group, own: dict[int, Interval]
) -> list[Interval | None]:
    """Each value's own CI; of a value both arms share, followed by two CIs listed together,
    each arm's ("the median survival time for both groups was 12 months with a 95% confidence
    interval of 8 to 14 and 7 to 17 months for the ECF and TCF groups respectively")."""
    cis = [own.get(v.start) for v in g.values]
    if len(cis) == 2 and g.values[0] is g.values[1] and cis[0] is not None:
        cis[1] = _listed_after(text, s, cis[0]) or cis[1]
    return cis


def _listed_after(text: str, s: SentenceSpans, iv: Interval) -> Interval | None:
    """The interval listed right after ``iv`` ("4.6 to 6.8 and 3.2 to 5.0"), if any."""
    nxt = next((i for i in s.intervals if i.start >= iv.end), None)
    if nxt is not None and rx("link.intervals_listed.v1").fullmatch(text, iv.end, nxt.start):
        return nxt
    return None
