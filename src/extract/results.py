"""Results linking: values, endpoints, arms, subgroups and effects → outcome/effect records.

Per sentence, the recognizers give values (with unit and qualifier), endpoint
mentions, effect measures, confidence intervals, P values, arm phrases and
subgroup frames. Linking then works as reviews write:

- values joined by comparison words form a *group* ("12.4个月 vs. 9.8个月",
  "分别为15.3和6.4个月", "from 11.0 months with placebo to 22.4 months");
- a group is governed by the nearest endpoint before it whose kind fits the unit
  (times → survival medians, percentages → rates); without one in the sentence,
  a comparison inherits the paragraph's last endpoint; without any, no record;
- 分别 / respectively distributes a group over listed endpoints, landmark
  timepoints or trials; otherwise a group of two or more is a comparison of arms
  and a lone value is a single cohort's;
- an effect (HR/OR/RR/difference with CI, and/or P) attaches to the group it
  follows, or to the endpoints before it when only a P value is reported;
- the trial is the nearest study anchor before the values in the paragraph: a
  named trial, or a cited study ("一项回顾性分析^[28]", "Zhao等^[29]").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from .link import DocContext, _evidence
from .nlp import get_nlp, items
from .recognize.arms import ArmMention, SubgroupMention, cue_before, find_arms, value_cue
from .recognize.endpoints import EndpointMention
from .recognize.numbers import Interval, Measure, PValue, Value, find_values
from .recognize.trials import TrialMention
from .records import trial_key
from .rules import load_rules
from .segment import Paragraph, Sentence

TIME_UNITS = {"month", "year", "week", "day"}
TIME_ENDPOINTS = {"OS", "PFS", "DFS", "EFS", "RFS", "DOR"}
RATE_ENDPOINTS = {"ORR", "DCR", "CR", "pCR", "MPR", "LC", "R0", "AE", "QOL"}


@cache
def _rx(rule_id: str) -> re.Pattern[str]:
    """A linking rule of ``resources/linking.json`` (validated, compiled once)."""
    return load_rules("linking.json").rule(rule_id).regex


@dataclass
class Anchor:
    start: int
    end: int
    trial: str | None
    refs: tuple[str, ...]
    analysis: bool = False  # "更新分析^[9]", "the subsequent overall survival analysis^[7]"


@dataclass
class Group:
    values: list[Value]
    endpoints: list[EndpointMention] = field(default_factory=list)
    distributed: str | None = None  # endpoints | timepoints | trials | None
    trials: list[TrialMention] = field(default_factory=list)
    subgroup: str | None = None
    anchor: Anchor | None = None
    rule_id: str = "result.comparison.v1"

    @property
    def start(self) -> int:
        return self.values[0].start

    @property
    def end(self) -> int:
        return self.values[-1].end


def _anchors(ctx: DocContext) -> list[Anchor]:
    text = ctx.nd.text
    refs_by_key: dict[str, list[str]] = {}
    for m in ctx.mentions:
        refs_by_key.setdefault(trial_key(m.name), [])
        for r in m.refs:
            if r not in refs_by_key[trial_key(m.name)]:
                refs_by_key[trial_key(m.name)].append(r)
    out = [Anchor(m.start, m.end, m.name, tuple(refs_by_key[trial_key(m.name)])) for m in ctx.mentions]
    for c in ctx.nd.citations:
        if c.offset >= ctx.body_end or any(
            m.start <= c.offset <= m.end + 16 and set(c.refs) <= set(m.refs) for m in ctx.mentions
        ):
            continue  # the marker of a named trial ("CASPIAN trial^[3]"), not another study
        before = text[max(0, c.offset - 16) : c.offset]
        if not _rx("link.study_before_citation.v1").search(before):
            continue
        trial = ctx.ref_trial.get(c.refs[0]) if len(c.refs) == 1 else None
        later_report = bool(_rx("link.later_report.v1").search(text, max(0, c.offset - 60), c.offset))
        out.append(Anchor(c.offset, c.offset, trial, c.refs, later_report))
    out.sort(key=lambda a: a.end)
    return out


def _anchor_before(anchors: list[Anchor], para: Paragraph, pos: int, sent: Sentence,
                   ctx: DocContext | None = None) -> Anchor | None:
    a = _anchor_before_raw(anchors, para, pos, sent, ctx)
    if a is None and ctx is not None and ctx.own_trial is not None:
        own = ctx.own_trial  # results a primary report gives without citing are its own trial's
        return Anchor(own.start, own.end, own.name, own.refs)
    if a is not None and a.trial is None and a.analysis:
        # an analysis or update cited on its own reports on the trial being discussed
        named = [x for x in anchors if para.start <= x.start and x.end <= a.start and x.trial]
        if named:
            return Anchor(a.start, a.end, named[-1].trial, tuple(dict.fromkeys(named[-1].refs + a.refs)))
    return a


def _anchor_before_raw(anchors: list[Anchor], para: Paragraph, pos: int, sent: Sentence,
                       ctx: DocContext | None = None) -> Anchor | None:
    """The study a value at ``pos`` belongs to: the nearest anchor before it in its sentence,
    else in the paragraph — unless the sentence that carries it names several studies (a list
    of trials is not the subject of what follows). A paragraph without a study of its own that
    opens as a continuation ("In the final analysis, …", "更新分析显示…") continues the study the
    paragraph before ended on."""
    in_sentence = [a for a in anchors if sent.start <= a.start and a.end <= pos]
    if in_sentence:
        return in_sentence[-1]
    earlier = [a for a in anchors if para.start <= a.start and a.end <= sent.start]
    if not earlier:
        if ctx is None or any(para.start <= a.start < para.end for a in anchors):
            return None
        return _continued_anchor(anchors, para, ctx)
    return _single_subject(earlier[-1], earlier, para)


def _single_subject(last: Anchor, earlier: list[Anchor], para: Paragraph) -> Anchor | None:
    carrier = next((x for x in para.sentences if x.start <= last.start < x.end + 1), None)
    if carrier is not None:
        in_carrier = [a for a in earlier if carrier.start <= a.start < carrier.end + 1]
        if len({trial_key(a.trial) if a.trial else a.refs for a in in_carrier}) > 1:
            return None
    return last


@cache
def _continuation() -> re.Pattern[str]:
    cues = sorted(load_rules("trials.json").lexicon("continuation_cues"), key=len, reverse=True)
    return re.compile("|".join(re.escape(c) for c in cues), re.IGNORECASE)


def _continued_anchor(anchors: list[Anchor], para: Paragraph, ctx: DocContext) -> Anchor | None:
    idx = next((i for i, p in enumerate(ctx.paragraphs) if p.start == para.start), None)
    if not idx or not para.sentences:
        return None
    first = para.sentences[0]
    opener = ctx.nd.text[first.start : min(first.end, first.start + 80)]
    if not (_continuation().search(opener) or _rx("link.continuation_opener.v1").match(opener)):
        return None
    prev = ctx.paragraphs[idx - 1]
    earlier = [a for a in anchors if prev.start <= a.start and a.end <= prev.end]
    if not earlier:
        return None
    return _single_subject(earlier[-1], earlier, prev)


def _unit_fits(ep: EndpointMention, unit: str | None) -> bool:
    if unit in TIME_UNITS:
        return ep.code in TIME_ENDPOINTS and not ep.timepoints and ep.stat != "rate"
    if unit == "percent":
        return ep.code in RATE_ENDPOINTS or bool(ep.timepoints) or ep.stat == "rate"
    return False


def _endpoint_list(text: str, eps: list[EndpointMention], last: int) -> list[EndpointMention]:
    """The endpoint at index ``last`` with those listed before it: "mPFS和mOS", "PFS、OS和局部控制"."""
    out = [eps[last]]
    i = last - 1
    while i >= 0:
        gap = text[eps[i].end : out[0].start]
        if re.fullmatch(r"\s*(?:率)?\s*(?:及|和|与|、|,|，|and|or|以及)\s*", gap, re.IGNORECASE):
            out.insert(0, eps[i])
            i -= 1
        else:
            break
    return out


def _connects(between: str) -> bool:
    """Do two values belong to one list or comparison, judging by the words between them?"""
    if len(between) > 70 or _rx("link.respectively.v1").search(between):
        return False  # "…和55.7%, respectively, against 35.7%…", "…，安慰剂组分别为…": a new list
    core = _strip_arm_words(re.sub(r"[(（][^()（）]{1,40}[)）]", " ", between))  # "9.2 months (nivolumab) vs"
    if not _rx("link.connector_word.v1").search(core) and not _rx("link.control_in_parenthesis.v1").fullmatch(between.strip()):
        return False
    rest = _rx("link.filler.v1").sub("", _rx("link.connector_word.v1").sub("", core))
    return not rest.strip(" ,，;；:：")


def _group_values(text: str, values: list[Value], blockers: list[int]) -> list[list[Value]]:
    groups: list[list[Value]] = []
    for v in values:
        if groups:
            prev = groups[-1][-1]
            between = text[prev.end : v.start]
            blocked = any(prev.end <= b < v.start for b in blockers)
            units_ok = prev.unit is None or v.unit is None or prev.unit == v.unit
            if not blocked and units_ok and _connects(between):
                groups[-1].append(v)
                continue
        groups.append([v])
    # unit-less members borrow the unit of the list they are in ("15.3和6.4个月")
    kept = []
    for g in groups:
        units = [v.unit for v in g if v.unit]
        if not units:
            continue
        for i, v in enumerate(g):
            if v.unit is None:
                later = [w.unit for w in g[i + 1 :] if w.unit]
                g[i] = replace(v, unit=later[0] if later else units[-1])
        kept.append(g)
    return kept


def _strip_arm_words(s: str) -> str:
    return _rx("link.arm_phrase.v1").sub(" ", s)


def _stat_for(ep: EndpointMention, unit: str, before: str) -> str:
    if _rx("link.difference.v1").search(before):
        return "difference"
    if unit in TIME_UNITS:
        return "mean" if ep.stat == "mean" else "median"
    return "rate"


@dataclass
class _Sent:
    sent: Sentence
    eps: list[EndpointMention]
    values: list[Value]
    measures: list[Measure]
    intervals: list[Interval]
    pvalues: list[PValue]
    arms: list[ArmMention]
    subgroups: list[SubgroupMention]


def _recognize(ctx: DocContext, sent: Sentence) -> _Sent:
    """Run the spaCy pipeline of the sentence's language; values come last, on the text the
    other recognizers left free (P values, CIs, effect values, grades, landmarks, trial names)."""
    text = ctx.nd.text
    a, b = sent.start, sent.end
    doc = get_nlp(sent.lang)(text[a:b])
    measures = items(doc, "measures", a)
    intervals = items(doc, "intervals", a)
    pvalues = items(doc, "p_values", a)
    eps = items(doc, "endpoints", a)
    blocked = [(x.start, x.end) for x in [*measures, *intervals, *pvalues]]
    for ep in eps:
        blocked.extend(ep.landmark_spans)
        if ep.grade is not None:
            blocked.append((ep.start, ep.end))
    for m in ctx.mentions_in(a, b):
        blocked.append((m.start, m.end))
    values = find_values(text, a, b, blocked)
    return _Sent(sent, eps, values, measures, intervals, pvalues, items(doc, "arms", a),
                 items(doc, "subgroups", a))


def _effect_clusters(s: _Sent, groups: list[Group]) -> list[tuple[Measure | None, Interval | None, PValue | None]]:
    items: list[tuple[int, str, object]] = (
        [(m.start, "m", m) for m in s.measures]
        + [(i.start, "ci", i) for i in s.intervals]
        + [(p.start, "p", p) for p in s.pvalues]
    )
    items.sort(key=lambda t: t[0])
    clusters: list[dict[str, object]] = []
    last_end = -1
    for pos, kind, obj in items:
        cur = clusters[-1] if clusters else None
        group_between = any(last_end <= g.start < pos for g in groups) if cur else False
        if cur is None or kind in cur or group_between:
            clusters.append({kind: obj})
        else:
            cur[kind] = obj
        last_end = obj.end  # type: ignore[attr-defined]
    shared = [c["p"] for c in clusters if "p" in c and getattr(c["p"], "shared", False)]
    if shared:
        # "HR分别为0.524（…）和0.478（…），P值均<0.001": the one P belongs to each comparison
        for c in clusters:
            if "m" in c and "p" not in c:
                c["p"] = shared[0]
        clusters = [c for c in clusters if not ("p" in c and "m" not in c and c["p"] in shared and len(c) == 1)]
    out = []
    for c in clusters:
        m, ci, p = c.get("m"), c.get("ci"), c.get("p")
        if m is None and p is None:
            continue  # a CI alone is a single rate's interval, not a comparison
        out.append((m, ci, p))  # type: ignore[arg-type]
    return out


def _stratum(text: str, s: _Sent, m: Measure, ci: Interval | None) -> str | None:
    """The stratum of a pooled estimate in a meta-analysis: "the WMD of Hb for children was …",
    "the WMD of the marked anaemia group was …", "… (95% CI …) in the PPI triple therapy group"."""
    about = m.about or text[max(s.sent.start, m.start - 50) : m.start]
    hit = _rx("link.meta_stratum.v1").search(about)
    if hit:
        sg = (hit.group("a") or hit.group("b")).strip()
        if not re.search(r"death|progression|recurrence|\b(?:Hb|SF)\b", sg):
            return sg
    after = _rx("link.meta_stratum_after.v1").match(text, (ci.end if ci is not None else m.end), s.sent.end)
    return after.group("c").strip() if after else None


def _about_endpoint(about: str) -> str | None:
    a = about.lower()
    if "progression" in a or "进展" in a:
        return "PFS"
    if "recurrence" in a or "复发" in a:
        return "DFS"
    if "death" in a or "死亡" in a:
        return "OS"
    return None


def result_records(ctx: DocContext) -> list[dict]:
    """Outcome and effect records of one document (dicts in the contract shape, no ids)."""
    anchors = _anchors(ctx)
    out: list[dict] = []
    for para in ctx.paragraphs:
        para_ep: EndpointMention | None = None
        for sent in para.sentences:
            s = _recognize(ctx, sent)
            groups = _link_groups(ctx, s, para, anchors, para_ep)
            for g, roles in zip(groups, _sentence_roles(ctx, s, groups), strict=True):
                out.extend(_outcomes(ctx, s, g, roles))
            out.extend(_effects(ctx, s, groups, para, anchors, para_ep))
            if s.eps:
                para_ep = s.eps[-1]
    return out


def _link_groups(ctx: DocContext, s: _Sent, para: Paragraph, anchors: list[Anchor],
                 para_ep: EndpointMention | None) -> list[Group]:
    text = ctx.nd.text
    blockers = [ep.start for ep in s.eps] + [x.start for x in [*s.measures, *s.intervals, *s.pvalues]]
    groups: list[Group] = []
    for vals in _group_values(text, s.values, blockers):
        g = Group(vals)
        before = [i for i, ep in enumerate(s.eps) if ep.end <= g.start]
        after = _endpoint_after(text, s, g)
        if after is not None:
            g.endpoints = [after]
            g.rule_id = "result.endpoint_after.v1"
        elif before and not _rx("link.follow_up.v1").search(text, s.eps[before[-1]].end, g.start) and not _rx("link.other_statistic.v1").search(
            text, s.eps[before[-1]].end, g.start
        ):
            i = before[-1]
            eps_list = _endpoint_list(text, s.eps, i)
            fitting = [ep for ep in eps_list if _unit_fits(ep, vals[0].unit)]
            if not fitting and after is None:
                continue
            g.endpoints = fitting or [after]  # type: ignore[list-item]
            g.rule_id = "result.comparison.v1" if fitting else "result.endpoint_after.v1"
        elif (
            para_ep is not None and len(vals) >= 2 and _unit_fits(para_ep, vals[0].unit) and not before
            and (
                re.search(r"[(（]\s*$", text[max(s.sent.start, g.start - 3) : g.start])
                or _rx("link.corresponding.v1").search(text, s.sent.start, g.start)
            )
        ):
            # "其中…中获益幅度相对较大（13.9个月 vs. 8.8个月…）": the endpoint of the clause before
            g.endpoints = [para_ep]
            g.rule_id = "result.context_endpoint.v1"
        else:
            continue
        k = len(vals)
        respectively = bool(_rx("link.respectively.v1").search(text, s.sent.start, s.sent.end))
        sent_trials = [m for m in ctx.mentions_in(s.sent.start, g.start)]
        distinct_trials: list[TrialMention] = []
        for m in sent_trials:
            if all(trial_key(m.name) != trial_key(x.name) for x in distinct_trials):
                distinct_trials.append(m)
        if k > 1 and len(g.endpoints) == k and respectively:
            g.distributed = "endpoints"
            g.rule_id = "result.respectively_endpoints.v1"
        elif k > 1 and len(g.endpoints) == 1 and len(g.endpoints[0].timepoints) == k:
            g.distributed = "timepoints"
            g.rule_id = "result.respectively_timepoints.v1"
        elif (
            k > 1 and len(distinct_trials) >= k
            and _rx("link.trials_together.v1").search(text, s.sent.start, min(s.sent.end, g.end + 20))
            and not find_arms(text, distinct_trials[-1].end, g.start)
        ):
            g.distributed = "trials"
            g.trials = distinct_trials[-k:]
            g.rule_id = "result.respectively_trials.v1"
        else:
            g.endpoints = g.endpoints[-1:]
        g.subgroup = _subgroup_for(text, s, g.start, g.end)
        g.anchor = _anchor_before(anchors, para, g.start, s.sent, ctx)
        if g.anchor is None:
            later = [a for a in anchors if s.sent.start <= a.start and a.end <= s.sent.end]
            if len(later) == 1:
                g.anchor = later[0]
        groups.append(g)
    return groups


def _endpoint_after(text: str, s: _Sent, g: Group) -> EndpointMention | None:
    """"34 (83%) had a major pathological response", "83%的患者达到pCR": the endpoint follows."""
    if len(g.values) != 1:
        return None
    m = _rx("link.endpoint_after.v1").match(text, g.end, s.sent.end)
    if not m:
        return None
    for ep in s.eps:
        if ep.start == m.end() and _unit_fits(ep, g.values[0].unit):
            return ep
    return None


_ARM_TAIL = re.compile(r"\s*(?:(?:with|for|in|on|receiving)\s+[^,;()（）。；]{1,40}?)?\s*")


def _subgroup_for(text: str, s: _Sent, start: int, end: int) -> str | None:
    """The population a value group or effect is reported for: the nearest frame before it in
    its sentence, or one that directly follows the values ("18.4 versus 12.9 months in patients
    with a CPS of 5 or more (HR …)")."""
    follow = [x for x in s.subgroups if x.start >= end and _ARM_TAIL.fullmatch(text, end, x.start)]
    if follow:
        return follow[0].text
    sgs = [x for x in s.subgroups if x.end <= start]
    return sgs[-1].text if sgs else None


def _roles(ctx: DocContext, s: _Sent, g: Group) -> list[tuple[str | None, str | None]]:
    """(arm_role, arm text) per value of a comparison group."""
    text = ctx.nd.text
    k = len(g.values)
    if g.anchor is not None and g.anchor.trial and "single-arm" in ctx.designs.get(trial_key(g.anchor.trial), []):
        # subgroups of a single-arm study ("PD-L1阳性与阴性患者的ORR分别为15.5%和6.4%") are not arms
        return [("single", None)] * k
    if k == 1:
        v = g.values[0]
        role, arm = value_cue(text, v.end, min(s.sent.end, v.end + 50))
        if role is None:
            role, arm = _cue_before(ctx, s, g, 0)
        if role is None and _rx("link.not_reached_before.v1").search(text, max(s.sent.start, v.start - 90), v.start):
            role = "control"  # "mOS分别为未达到和17.1个月", "not reached versus 17.0 months"
        if role is None and any(
            0 <= m.start - v.end <= 40 and not re.search(r"[；;。]", text[v.end : m.start]) for m in s.measures
        ):
            role = "experimental"  # one arm's value followed by its comparison with the control
        return [(role, arm)]
    if k == 2 and any(v.change == "from" for v in g.values):
        # "from 11.0 months with placebo to 22.4 months", "to 8.3 months from 6.8 months"
        return [("control" if v.change == "from" else "experimental", None) for v in g.values]
    cues = []
    for i, v in enumerate(g.values):
        nxt = g.values[i + 1].start if i + 1 < k else min(s.sent.end, v.end + 50)
        role, arm = value_cue(text, v.end, nxt)
        if role is None:
            role, arm = _cue_before(ctx, s, g, i)
        cues.append((role, arm))
    if all(r is None for r, _ in cues):
        arms = [a for a in s.arms if a.end <= g.start]
        if len(arms) >= k:
            arms = arms[-k:]
            roles = [a.role for a in arms]
            if k == 2 and roles.count(None) == 1:
                known = roles[0] or roles[1]
                roles = [r or ("control" if known == "experimental" else "experimental") for r in roles]
            if all(roles) and len(set(roles)) > 1:
                return [(r, a.text) for r, a in zip(roles, arms, strict=True)]
        default = ["experimental"] * (k - 1) + ["control"]
        arm_texts = [a.text for a in arms] if len(arms) == k else [arm for _, arm in cues]
        return list(zip(default, arm_texts, strict=True))
    known = [r for r, _ in cues if r]
    if k == 2 and len(known) == 1:
        other = "control" if known[0] == "experimental" else "experimental"
        return [(r or other, a) for r, a in cues]
    if "control" not in known:
        # three arms or more and none named as control: the comparator is reported last
        last = max(i for i, (r, _) in enumerate(cues) if r is None) if None in [r for r, _ in cues] else None
        if last is not None:
            cues[last] = ("control", cues[last][1])
    return [(r or "experimental", a) for r, a in cues]


def _cue_before(ctx: DocContext, s: _Sent, g: Group, i: int) -> tuple[str | None, str | None]:
    text = ctx.nd.text
    v = g.values[i]
    lo = g.values[i - 1].end if i > 0 else max(s.sent.start, v.start - 24)
    return cue_before(text[lo : v.start], spread=bool(g.distributed))


def _sentence_roles(ctx: DocContext, s: _Sent, groups: list[Group]) -> list[list[tuple[str | None, str | None]]]:
    """(arm_role, arm) per value of every group of a sentence.

    Groups spread over trials, endpoints or timepoints take one role for the whole group
    from the arm named before them ("对照组分别为…", "安慰剂组分别为…", "…against 35.7% and
    27.1%"); two such groups alike in a sentence are the two arms of one comparison.
    """
    text = ctx.nd.text
    out: list[list[tuple[str | None, str | None]]] = []
    for i, g in enumerate(groups):
        if not g.distributed:
            out.append(_roles(ctx, s, g))
            continue
        role, arm = _cue_before(ctx, s, g, 0)
        if role is None:
            lo = groups[i - 1].end if i else (g.trials[-1].end if g.trials else s.sent.start)
            arms = [a for a in s.arms if lo <= a.start and a.end <= g.start and a.role]
            if arms:
                role, arm = arms[-1].role, arms[-1].text
        if role is None and i and _rx("link.versus_before.v1").search(text, max(s.sent.start, g.start - 24), g.start):
            role = "control"
        out.append([(role, arm)] * len(g.values))
    # two spread groups alike ("1年、2年OS率分别为…，安慰剂组分别为…"): experimental, then control
    spread = [i for i, g in enumerate(groups) if g.distributed]
    for a, b in zip(spread, spread[1:], strict=False):
        ga, gb = groups[a], groups[b]
        if ga.distributed == gb.distributed and len(ga.values) == len(gb.values):
            # one of them must name its arm: two subgroups' rates ("脑外转移已控制…，未能控制者…")
            # are no comparison of arms
            ra, rb = out[a][0][0], out[b][0][0]
            if rb is None and out[b][0][1]:  # "而EP组分别为…": an arm named, its role not
                rb = "control"
                out[b] = [("control", arm) for _, arm in out[b]]
            if ra is None and rb == "control":
                out[a] = [("experimental", arm) for _, arm in out[a]]
            if rb is None and ra == "experimental":
                out[b] = [("control", arm) for _, arm in out[b]]
    # "A组与B组的mPFS均为7.6个月，C组为5.5个月": after two arms sharing a value, the arm named
    # on its own is their comparator
    for i, g in enumerate(groups):
        if len(g.values) == 1 and not g.distributed and _rx("link.both_arms.v1").search(text, max(s.sent.start, g.start - 6), g.start):
            for j in range(i + 1, len(groups)):
                gj = groups[j]
                if len(gj.values) == 1 and not gj.distributed and out[j][0][0] is None and out[j][0][1]:
                    out[j] = [("control", out[j][0][1])]
                    break
    # lone values of one endpoint in one sentence, one of them the control's: the other
    # is the experimental arm's ("31.9% of patients in the pembrolizumab group … compared
    # with 16.3% in the chemotherapy group")
    lone = [i for i, g in enumerate(groups) if not g.distributed and len(g.values) == 1]
    for i in lone:
        if out[i][0][0] is not None:
            continue
        gi = groups[i]
        for j in lone:
            gj = groups[j]
            if j != i and out[j][0][0] == "control" and gj.endpoints[0].code == gi.endpoints[0].code \
                    and gj.endpoints[0].timepoints == gi.endpoints[0].timepoints:
                out[i] = [("experimental", out[i][0][1])]
                break
    return [[(r or "single", arm) for r, arm in roles] for roles in out]


def _outcomes(ctx: DocContext, s: _Sent, g: Group, per_value: list[tuple[str | None, str | None]]) -> list[dict]:
    text = ctx.nd.text
    ev = _evidence(ctx.nd, s.sent.start, s.sent.end)
    out = []
    if len(g.values) == 1 and not g.distributed and _rx("link.both_arms.v1").search(text, max(s.sent.start, g.start - 6), g.start):
        # "两组3~4级不良事件发生率均为62%", "A组与B组的mPFS均为7.6个月": one value, two arms
        arms = [a for a in s.arms if a.end <= g.start]
        if _rx("link.two_groups.v1").search(text, s.sent.start, g.start):
            per_value = [("experimental", None), ("control", None)]
        elif len(arms) >= 2:
            per_value = [(a.role if a.role != "control" else "control", a.text) for a in arms[-2:]]
            per_value = [(r or "experimental", t) for r, t in per_value]
        if len(per_value) == 2:
            g = Group([g.values[0], g.values[0]], g.endpoints, g.distributed, g.trials, g.subgroup, g.anchor, g.rule_id)
    for i, v in enumerate(g.values):
        ep = g.endpoints[i] if g.distributed == "endpoints" else g.endpoints[0]
        timepoint = ep.timepoints[0] if ep.timepoints else None
        if g.distributed == "timepoints":
            timepoint = ep.timepoints[i]
        trial, refs = (g.anchor.trial, list(g.anchor.refs)) if g.anchor else (None, [])
        if g.distributed == "trials":
            tm = g.trials[i]
            trial, refs = tm.name, list(tm.refs)
        if trial is None and not refs and v.qualifier == "~":
            continue  # "roughly 10% to 15%", "约为55%~60%" with no study behind it: background
        before = text[ep.end : g.start]
        role, arm = per_value[i]
        out.append({
            "kind": "outcome", "trial": trial, "refs": refs, "endpoint": ep.code,
            "stat": _stat_for(ep, v.unit or "", before) if ep.code != "AE" else "rate",
            "timepoint_months": timepoint, "grade": ep.grade, "event": ep.event,
            "value": v.value, "value_high": v.value_high, "qualifier": v.qualifier, "unit": v.unit,
            "arm": arm, "arm_role": role, "subgroup": g.subgroup, "n": None,
            "lang": s.sent.lang, "evidence": [ev], "rule_id": g.rule_id,
        })
    return out


def _effects(ctx: DocContext, s: _Sent, groups: list[Group], para: Paragraph, anchors: list[Anchor],
             para_ep: EndpointMention | None) -> list[dict]:
    text = ctx.nd.text
    ev = _evidence(ctx.nd, s.sent.start, s.sent.end)
    out = []
    for m, ci, p in _effect_clusters(s, groups):
        first = min(x.start for x in (m, ci, p) if x is not None)  # type: ignore[union-attr]
        prior = [g for g in groups if g.end <= first]
        targets: list[tuple[str | None, EndpointMention | None, Group | None]] = []
        about = _about_endpoint(m.about) if m is not None else None
        named = [ep for ep in s.eps if m is not None and m.start <= ep.start and ep.end <= m.end]
        if named:  # "the HR for PFS was 0.46", "hazard ratio for OS"
            about = named[0].code
        if prior and not prior[-1].distributed:
            g = prior[-1]
            # "hazard ratio for death" names OS whatever the values before were; a composite
            # ("for progression, recurrence, or death") is the endpoint of those values
            code = g.endpoints[0].code
            if named:
                code = named[0].code
            elif about == "OS" and not re.search(r"progress|recur|进展|复发", m.about if m else "", re.I):
                code = "OS"
            targets = [(code, g.endpoints[0], g)]
        elif prior and prior[-1].distributed:
            continue  # one P for values spread over endpoints/trials: which comparison is unclear
        else:
            before = [i for i, ep in enumerate(s.eps) if ep.end <= first]
            if named:
                targets = [(named[0].code, named[0], None)]
            elif before:
                eps_list = _endpoint_list(text, s.eps, before[-1])
                targets = [(about or ep.code, ep, None) for ep in eps_list]
            elif m is not None and about:
                targets = [(about, None, None)]
            elif m is not None and para_ep is not None:
                targets = [(para_ep.code, para_ep, None)]
            elif m is not None and ci is not None:
                targets = [(None, None, None)]
            elif p is not None and _rx("link.comparison.v1").search(text, s.sent.start, s.sent.end):
                # "differed between the groups regarding Hb levels (p=0.015)": a comparison
                # whose endpoint is outside the vocabulary still has its P value
                targets = [(None, None, None)]
            else:
                continue
        for code, ep, g in targets:
            if code is None:
                continue  # a comparison outside the endpoint vocabulary is no record (RECORDS.md v2)
            if g is not None:
                subgroup, anchor = g.subgroup, g.anchor
                between = [x for x in s.subgroups if g.end <= x.start and x.end <= first]
                if between:
                    subgroup = between[-1].text
            else:
                subgroup = _subgroup_for(text, s, first, first)
                anchor = _anchor_before(anchors, para, first, s.sent, ctx)
            trial, refs = (anchor.trial, list(anchor.refs)) if anchor else (None, [])
            if subgroup is None and ctx.meta_analysis and m is not None:
                subgroup = _stratum(text, s, m, ci)
            out.append({
                "kind": "effect", "trial": trial, "refs": refs, "endpoint": code,
                "subgroup": subgroup, "grade": ep.grade if ep else None, "event": ep.event if ep else None,
                "measure": m.measure if m else None, "value": m.value if m else None,
                "ci_level": ci.level if ci else None, "ci_low": ci.low if ci else None,
                "ci_high": ci.high if ci else None, "p_value": p.value if p else None,
                "p_qualifier": p.qualifier if p else None, "lang": s.sent.lang, "evidence": [ev],
                "rule_id": "effect.measure.v1" if m else "effect.p_only.v1",
            })
    return out
