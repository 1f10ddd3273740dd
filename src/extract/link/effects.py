"""Effects: HR / OR / RR / difference with CI, and P values, tied to what they compare.

Measures, intervals and P values of a sentence form *clusters* in text order (one of
each kind at most, no value group between them; a P "均 <0.001" / "for both" is shared
by every measure). A cluster attaches to the value group right before it — a
"hazard ratio for death" names OS whatever those values were — or, without a group, to
the endpoint(s) listed before it, the event the measure names ("risk of progression or
death"), or the paragraph's last endpoint. A cluster after values spread over a list
is left alone (which comparison it belongs to is unclear), and one whose endpoint is
outside the vocabulary is no record.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..recognize import SentenceSpans
from ..recognize.arms import subgroup_levels
from ..recognize.endpoints import EndpointMention
from ..recognize.numbers import Interval, Measure, PValue
from ..segment import Paragraph
from . import emit
from .anchors import Anchor, anchor_before
from .context import DocContext
from .groups import Group, endpoint_list, subgroup_for
from .rules import lexicon, rx


@dataclass(frozen=True)
class Cluster:
    measure: Measure | None
    interval: Interval | None
    p: PValue | None

    @property
    def start(self) -> int:
        return min(x.start for x in (self.measure, self.interval, self.p) if x is not None)

    @property
    def end(self) -> int:
        return max(x.end for x in (self.measure, self.interval, self.p) if x is not None)


@dataclass(frozen=True)
class Target:
    endpoint: str | None
    mention: EndpointMention | None
    group: Group | None


def effect_records(
    ctx: DocContext,
    s: SentenceSpans,
    groups: list[Group],
    para: Paragraph,
    anchors: list[Anchor],
    para_ep: EndpointMention | None,
    subgroups_only: bool = False,
) -> list[tuple[Cluster, dict]]:
    """Each effect record of the sentence, with the cluster it was made from. ``subgroups_only``:
    the sentence's values are each a subgroup's of one cohort (all ``single``), so a P value
    comparing them compares no arms (RECORDS.md: an effect compares arms)."""
    out = []
    found = clusters(ctx.text, s, groups)
    paired = _listed_p_values(ctx.text, s, groups, found)
    no_arms = _factor_clusters(ctx, s, found)
    for i, c in enumerate(found):
        if i in no_arms:
            continue  # P values (and a list of factors' measures) compare no arms
        for t in [paired[i]] if i in paired else targets(ctx.text, s, groups, c, para_ep):
            if t.endpoint is None:
                continue  # a comparison outside the endpoint vocabulary is no record (RECORDS.md v2)
            if c.measure is None and t.group is not None and subgroups_only:
                continue  # "ALK阳性…16个月，ALK阴性…6个月…(P=0.065)": subgroups, not arms
            out.append((c, _effect(ctx, s, t, c, para, anchors)))
    return out


def _factor_clusters(ctx: DocContext, s: SentenceSpans, found: list[Cluster]) -> set[int]:
    """Indices of the clusters of a sentence about prognostic factors that compare no arms: its
    P values alone (unless the factor is a treatment given or not), and several factors'
    hazard ratios of one multivariate model, no arm of the report among them ("pulmonary emboli
    (HR 69.396, CI: …), cancer (HR 3.393, …), … remained independently associated with
    all-cause mortality", PMC4893237)."""
    factors = bool(rx("link.prognostic_factor.v1").search(ctx.text, s.start, s.end)) and not (
        rx("link.treated_vs_untreated.v1").search(ctx.text, s.start, s.end)
    )
    if not factors:
        return set()
    measures = sum(c.measure is not None for c in found) >= 3 and not ctx.arms.named_in_order(
        ctx.text, s.start, s.end
    )
    return {i for i, c in enumerate(found) if c.measure is None or measures}


def _effect(
    ctx: DocContext, s: SentenceSpans, t: Target, c: Cluster, para: Paragraph, anchors: list[Anchor]
) -> dict:
    """The effect record of cluster ``c`` for target ``t``."""
    subgroup, anchor = _population(ctx, s, t, c, para, anchors)
    trial, refs = (anchor.trial, list(anchor.refs)) if anchor else (None, [])
    return emit.effect(
        ctx.nd,
        (s.start, s.end),
        s.lang,
        trial=trial,
        refs=refs,
        endpoint=t.endpoint,
        ep=t.mention,
        subgroup=subgroup,
        m=c.measure,
        ci=c.interval,
        p=c.p,
    )


def clusters(text: str, s: SentenceSpans, groups: list[Group]) -> list[Cluster]:
    """The sentence's effect clusters, in text order; a CI alone is a rate's, not an effect."""
    items = sorted(
        [(m.start, "m", m) for m in s.measures]
        + [(i.start, "ci", i) for i in s.intervals]
        + [(p.start, "p", p) for p in s.p_values],
        key=lambda t: t[0],
    )
    found: list[dict[str, object]] = []
    last_end, closed = -1, False
    for pos, kind, obj in items:
        cur = found[-1] if found else None
        group_between = any(last_end <= g.start < pos for g in groups) if cur else False
        # a CI is written after its measure: one before a measure is some value's, not the measure's
        ci_before_measure = cur is not None and kind == "m" and "ci" in cur
        # an interaction test's P stands alone: it is no P of the hazard ratio beside it
        interaction = kind == "p" and _interaction_p(text, obj)  # type: ignore[arg-type]
        if (
            cur is None
            or kind in cur
            or group_between
            or ci_before_measure
            or interaction
            or closed
        ):
            found.append({kind: obj})
        else:
            cur[kind] = obj
        last_end, closed = obj.end, interaction  # type: ignore[attr-defined]
    shared = [c["p"] for c in found if "p" in c and getattr(c["p"], "shared", False)]
    if shared:
        # "HR分别为0.524（…）和0.478（…），P值均<0.001": the one P belongs to each comparison
        for c in found:
            if "m" in c and "p" not in c:
                c["p"] = shared[0]
        found = [
            c for c in found if not ("p" in c and "m" not in c and c["p"] in shared and len(c) == 1)
        ]
    return [
        Cluster(c.get("m"), _own_interval(text, c), c.get("p"))  # type: ignore[arg-type]
        for c in found
        if c.get("m") is not None or c.get("p") is not None
    ]


def _interaction_p(text: str, p: PValue) -> bool:
    return bool(rx("link.interaction_p.v1").search(text, max(0, p.start - 24), p.end))


def _own_interval(text: str, c: dict[str, object]) -> Interval | None:
    """The cluster's CI, unless a P alone follows a CI written right after a number
    ("63.27 (95% CI 58.28–68.25) in the control group (p = 0.54)"): that CI is the number's."""
    ci = c.get("ci")
    if not isinstance(ci, Interval) or c.get("m") is not None:
        return ci  # type: ignore[return-value]
    return (
        None
        if rx("link.number_before_interval.v1").search(text, max(0, ci.start - 16), ci.start)
        else ci
    )


def _listed_p_values(
    text: str, s: SentenceSpans, groups: list[Group], found: list[Cluster]
) -> dict[int, Target]:
    """ "OS and DFS rates did not differ … (P = 0.962 and P = 0.980)": as many P values alone, and no
    values before them, as endpoints listed together: the i-th P is the i-th endpoint's. So too
    for as many measures naming no endpoint of their own ("The hazard ratios … of PFS and OS are
    1.772 (95% CI, 1.102 to 2.848) and 2.047 (95% CI, 1.109 to 3.377), respectively",
    PMC5739798)."""
    free = [i for i, c in enumerate(found) if not any(g.end <= c.start for g in groups)]
    p_alone = [i for i in free if found[i].measure is None and found[i].interval is None]
    measures = [
        i
        for i in free
        if (m := found[i].measure) is not None
        and not any(m.start <= ep.start and ep.end <= m.end for ep in s.endpoints)
    ]
    out: dict[int, Target] = {}
    for alone in (p_alone, measures):
        if len(alone) < 2:
            continue
        before = [i for i, ep in enumerate(s.endpoints) if ep.end <= found[alone[0]].start]
        if not before:
            continue
        listed = endpoint_list(text, s.endpoints, before[-1])
        if len(listed) != len(alone) or len({ep.code for ep in listed}) != len(listed):
            continue
        out.update({i: Target(ep.code, ep, None) for i, ep in zip(alone, listed, strict=True)})
    return out


def _other_rate_between(text: str, s: SentenceSpans, lo: int, hi: int) -> bool:
    """Does a later clause between a group (ending at ``lo``) and a P (at ``hi``) report values of
    a rate that is no endpoint ("，治疗组3个月及6个月后的复发率分别为0和 3.33% …")?"""
    if s.lang != "zh":
        return False
    for m in rx("link.other_rate_clause_zh.v1").finditer(text, lo, hi):
        a, b = m.span("rate")
        if any(ep.start < b and a < ep.end for ep in s.endpoints):
            continue
        if any(b <= v.start < hi for v in s.values):
            return True
    return False


def _statistics_of_one(g: Group) -> bool:
    """Values spread over one endpoint's statistics (its mean and median): a P is that endpoint's."""
    return g.distributed == "endpoints" and len({ep.code for ep in g.endpoints}) == 1


def _arms_over_timepoints(prior: list[Group]) -> bool:
    """Two arms' rates, each spread over the same landmarks of one endpoint ("1- and 5-year rates
    … were 98% and 86% in the IL-2 group and 81% and 73% in the control group (P=0.043)"): a P
    after them compares the arms on that endpoint."""
    spread = [g for g in prior[-2:] if g.distributed == "timepoints"]
    return len(spread) == 2 and len({g.endpoints[0].code for g in spread}) == 1


def targets(
    text: str, s: SentenceSpans, groups: list[Group], c: Cluster, para_ep: EndpointMention | None
) -> list[Target]:
    """What a cluster compares: the group before it, or endpoints when there is none."""
    m, first = c.measure, c.start
    prior = [g for g in groups if g.end <= first]
    named = [ep for ep in s.endpoints if m is not None and m.start <= ep.start and ep.end <= m.end]
    about = named[0].code if named else (about_endpoint(m.about) if m is not None else None)
    if (
        prior
        and prior[-1].distributed
        and not _statistics_of_one(prior[-1])
        and not _arms_over_timepoints(prior)
    ):
        return []  # one P for values spread over endpoints/trials: which comparison is unclear
    if prior and _other_rate_between(text, s, prior[-1].end, first):
        return [Target(None, None, None)]  # the P of a rate outside the vocabulary: no record
    if prior:
        g = prior[-1]
        # "hazard ratio for death" names OS whatever the values before were; a composite
        # ("for progression, recurrence, or death") is the endpoint of those values
        code = g.endpoints[0].code
        if named:
            code = named[0].code
        elif about == "OS" and not rx("link.composite_event.v1").search(m.about if m else ""):
            code = "OS"
        return [Target(code, g.endpoints[0], g)]
    return _without_group(text, s, c, named, about, para_ep)


def _without_group(
    text: str,
    s: SentenceSpans,
    c: Cluster,
    named: list[EndpointMention],
    about: str | None,
    para_ep: EndpointMention | None,
) -> list[Target]:
    m, first = c.measure, c.start
    before = [i for i, ep in enumerate(s.endpoints) if ep.end <= first]
    if named:  # "the HR for PFS was 0.46", "hazard ratio for OS"
        return [Target(named[0].code, named[0], None)]
    after = _endpoint_named_after(text, s, c)
    if after is not None:  # "HRs of 1·11 (95% CI 0·92–1·33) for overall survival and 1·21 …"
        return [Target(after.code, after, None)]
    if before and _other_outcome_between(text, s, s.endpoints[before[-1]].end, first):
        return [Target(None, None, None)]
    if before:
        return [
            Target(about or ep.code, ep, None)
            for ep in endpoint_list(text, s.endpoints, before[-1])
        ]
    if m is not None and about:
        return [Target(about, None, None)]
    if m is not None and rx("link.measure_of_event.v1").match(m.about):
        return [Target(None, None, None)]  # "Hazard ratio of distant metastases …": no endpoint
    deaths = _deaths_counted(text, s, m)
    if deaths is not None:  # "194 deaths were attributed to melanoma … (unadjusted HR 1·24 …)"
        return [Target(deaths, None, None)]
    if _in_other_category(text, s, first):
        return [Target(None, None, None)]  # "relapse (74% vs 68% hazard ratio (HR) 0.93 …)"
    if m is not None and para_ep is not None:
        return [Target(para_ep.code, para_ep, None)]
    if (
        m is None
        and para_ep is not None
        and not s.values
        and rx("link.refers_back_p.v1").search(text, s.start, s.end)
    ):  # "This difference was statistically significant (P = .02)." after the medians
        return [Target(para_ep.code, para_ep, None)]
    if (m is not None and c.interval is not None) or (
        c.p is not None and rx("link.comparison.v1").search(text, s.start, s.end)
    ):
        # "differed between the groups regarding Hb levels (p=0.015)": a comparison whose
        # endpoint is outside the vocabulary — no record, but it takes the cluster
        return [Target(None, None, None)]
    return []


def _other_outcome_between(text: str, s: SentenceSpans, lo: int, first: int) -> bool:
    """Does an outcome outside the vocabulary come between the endpoint (ending at ``lo``) and
    the effect at ``first``, which is then that outcome's: "… 3-year PFS …, and 2-year FFS (for
    2-year FFS: HR …", "总有效率高于对照组…(P=0.15)，观察组的治疗显效率为42.9%，对照组…21.1%，
    差异有统计学意义(P<0.05)"?"""
    return _unlisted_endpoint_before(text, s, first) or _other_rate_between(text, s, lo, first)


def _unlisted_endpoint_before(text: str, s: SentenceSpans, first: int) -> bool:
    """Is the effect at ``first`` introduced by a name that is no endpoint ("for 3-year FFS:")?"""
    lo = max(s.start, first - 40)
    m = rx("link.unlisted_endpoint_before.v1").search(text[lo:first])
    if m is None:
        return False
    a, b = lo + m.start("name"), lo + m.end("name")
    return not any(ep.start < b and a < ep.end for ep in s.endpoints)


def _endpoint_named_after(text: str, s: SentenceSpans, c: Cluster) -> EndpointMention | None:
    """The endpoint named right after the effect cluster ``c`` as the one it is for."""
    nxt = next((ep for ep in s.endpoints if ep.start >= c.end), None)
    if nxt is not None and rx("link.endpoint_after_effect.v1").fullmatch(text, c.end, nxt.start):
        return nxt
    return None


def _in_other_category(text: str, s: SentenceSpans, first: int) -> bool:
    """Does the cluster at ``first`` stand in the bracket of values of a category outside the
    vocabulary ("cumulative incidence of relapse (74% vs 68% hazard ratio (HR) 0.93 …)")?"""
    lo = max(s.start, first - 60)
    opened = max(text.rfind(b, lo, first) for b in "([（")
    return opened >= 0 and bool(
        rx("link.other_category_before.v1").search(text, max(s.start, opened - 48), opened + 1)
    )


def _deaths_counted(text: str, s: SentenceSpans, m: Measure | None) -> str | None:
    """CSS or OS: a hazard ratio after deaths counted per arm, of the cancer or overall."""
    if m is None or m.measure != "HR":
        return None
    hits = list(rx("link.deaths_counted_before.v1").finditer(text, s.start, m.start))
    if not hits:
        return None
    return "CSS" if hits[-1].group("css") else "OS"  # the deaths nearest the ratio


def about_endpoint(about: str) -> str | None:
    """The endpoint an event names: "risk of progression or death" → PFS, "死亡风险" → OS."""
    low = about.lower()
    for code, words in lexicon("event_endpoints"):
        if any(w in low for w in words):
            return code
    return None


def _population(
    ctx: DocContext, s: SentenceSpans, t: Target, c: Cluster, para: Paragraph, anchors: list[Anchor]
) -> tuple[str | None, Anchor | None]:
    """Subgroup and study of an effect: its group's, unless a subgroup frame stands between."""
    text, first = ctx.text, c.start
    if t.group is not None:
        subgroup, anchor = t.group.subgroup, t.group.anchor
        between = [x for x in s.subgroups if t.group.end <= x.start and x.end <= first]
        if between:
            subgroup = between[-1].text
    else:
        # a frame inside the estimate ("The HR for OS in the low Ang-2 group was 0.80"), else
        # one right after it ("vs 0.87; 95% CI 0.67-1.13 in the high Ang-2 group"), else before
        inside = [x for x in s.subgroups if first <= x.start and x.end <= c.end]
        subgroup = inside[0].text if inside else subgroup_for(text, s, first, c.end)
        anchor = anchor_before(anchors, para, first, s, ctx)
    if subgroup_levels(subgroup) is not None:
        subgroup = None  # "low compared with high Ang-2 levels": the effect is between them
    if subgroup is None and ctx.meta_analysis and c.measure is not None:
        subgroup = stratum(text, s, c.measure, c.interval)
    return subgroup, anchor


def stratum(text: str, s: SentenceSpans, m: Measure, ci: Interval | None) -> str | None:
    """The stratum of a pooled estimate in a meta-analysis: "the WMD of Hb for children was …",
    "the WMD of the marked anaemia group was …", "… (95% CI …) in the PPI triple therapy group"."""
    about = m.about or text[max(s.start, m.start - 50) : m.start]
    hit = rx("link.meta_stratum.v1").search(about)
    if hit:
        sg = (hit.group("a") or hit.group("b")).strip()
        if not rx("link.stratum_not_population.v1").search(sg):
            return sg
    after = rx("link.meta_stratum_after.v1").match(
        text, (ci.end if ci is not None else m.end), s.end
    )
    return after.group("c").strip() if after else None
