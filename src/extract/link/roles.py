"""Arm roles: which arm each value of a sentence's groups belongs to, and its role.

One entry point, :func:`sentence_roles`, decides for every value of every group of
a sentence an :class:`ArmRole` (``experimental`` / ``control`` / ``single``, and the
arm's words when the text names them), in this order:

1. each group on its own (:func:`_comparison_roles`, :func:`_lone_role`,
   :func:`_spread_role`) — from cues right after a value ("9.8 months with
   placebo"), arms named right before it ("对照组9.8个月"), "from X to Y", arms listed
   before the group, and otherwise the comparator reported last;
2. then across the sentence's groups: two spread groups alike are the two arms of one
   comparison; after two arms sharing a value the arm named alone is their comparator;
   a lone value beside the control's value of the same endpoint is the experimental arm's.

A value no rule gives a role to is a single cohort's. ``tests/test_arm_roles.py`` holds
the cases, one real sentence each.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from ..recognize import SentenceSpans
from ..recognize.arms import arm_role, clause_arm, cue_before, cue_end, sentence_arm, value_cue
from .context import DocContext
from .groups import Group
from .rules import rx


class ArmRole(NamedTuple):
    role: str | None  # experimental | control | single | None (not decided yet)
    arm: str | None  # the arm's words, when the text names them


def sentence_roles(ctx: DocContext, s: SentenceSpans, groups: list[Group]) -> list[list[ArmRole]]:
    """An :class:`ArmRole` per value of every group of sentence ``s``."""
    out = [
        _spread_role(ctx.text, s, groups, i) if g.distributed else _group_roles(ctx, s, g)
        for i, g in enumerate(groups)
    ]
    _pair_spread_groups(groups, out, ctx.arms.head_to_head)
    _comparator_after_shared_value(ctx.text, s, groups, out)
    _beside_the_control(groups, out)
    _two_named_arms(groups, out, ctx.arms.head_to_head)
    return [
        [_settled(ctx, s, g, i, r) for i, r in enumerate(roles)]
        for g, roles in zip(groups, out, strict=True)
    ]


def _settled(ctx: DocContext, s: SentenceSpans, g: Group, i: int, r: ArmRole) -> ArmRole:
    """A value's final role. One the sentence leaves open is, in a primary report, the role
    of the document's arm named with it ("In the TEGAFOX arm, …", "13% of cases with
    TEGAFIRI"); otherwise a single cohort's. A group named by a factor ("高表达组") is the
    value's subgroup, not its arm."""
    if r.role is None and ctx.arms.comparative:
        arm = r.arm or _doc_arm_near(ctx, s, g, i) or _paragraph_arm(ctx, s)
        role = ctx.arms.role_of(arm)
        if role is not None:
            return ArmRole(role, arm)
    return ArmRole(r.role or "single", None if r.role == "single" else r.arm)


def _doc_arm_near(ctx: DocContext, s: SentenceSpans, g: Group, i: int) -> str | None:
    """The document arm named with value ``i`` of ``g``: right before it ("in arm B (90%)"),
    else right after it ("13% of cases with TEGAFIRI; 1% in the TEGAFOX group"), else earlier
    in its clause."""
    v = g.values[i]
    prev = max((w.end for w in s.values if w.end <= v.start), default=s.start)
    nxt = min((w.start for w in s.values if w.start >= v.end), default=s.end)
    before = ctx.arms.named_near(ctx.text, max(prev, v.start - 60), v.start, last=True)
    after = ctx.arms.named_near(ctx.text, v.end, min(nxt, v.end + 40), last=False)
    if before is not None and (
        after is None
        or v.start - before[1] <= 3
        or rx("link.arm_then_value_head.v1").fullmatch(ctx.text, before[1], v.start)
    ):
        return before[2]  # "in arm B (90%)", "arm A [median 7.6 months"
    if after is not None:
        return after[2]
    # "IL-2-related toxicity grade 1 (24%), 2 (67%), or 3 (9%)": the arm the clause began with
    clause = ctx.arms.named_near(ctx.text, max(s.start, v.start - 150), v.start, last=True)
    return clause[2] if clause is not None else None


_CARRY = 3  # sentences back in a paragraph that may name the arm a sentence goes on about


def _paragraph_arm(ctx: DocContext, s: SentenceSpans) -> str | None:
    """The document arm an English paragraph is speaking of when sentence ``s`` names none:
    the one arm the nearest earlier sentence naming any names ("Arm A (PC) had two partial
    responses (14%) … The median time to progression was 173 days", PMC4710681; "… for FLOX
    regimen, three patients (12.5%) had partial response … Median survival time was 8
    months", PMC3596913). None when that sentence names two arms, when ``s`` speaks of the
    whole population ("in all patients", "for both regimens"), or no sentence of the last
    few names an arm."""
    text = ctx.text
    if s.lang != "en" or rx("link.whole_population_en.v1").search(text, s.start, s.end):
        return None
    if ctx.arms.named_in_order(text, s.start, s.end):
        return None  # the sentence names its arms itself
    para = next((p for p in ctx.paragraphs if p.start <= s.start < p.end), None)
    if para is None:
        return None
    earlier = [x for x in para.sentences if x.end <= s.start][-_CARRY:]
    for prev in reversed(earlier):
        named = ctx.arms.named_in_order(text, prev.start, prev.end)
        if len(named) == 2 and _named_with_its_treatment(ctx, named):
            named = named[1:]  # "Arm A (PC)": one arm, by its label and its treatment
        if len(named) == 1:
            return ctx.arms.role_and_name(named[0][1])[1]
        if named:
            return None
    return None


def _named_with_its_treatment(ctx: DocContext, named: list[tuple[int, str]]) -> bool:
    """Whether two arms named one after the other are one arm, the second in parentheses
    right after the first and of the same role ("Arm A (PC)")."""
    (a, first), (b, second) = named
    between = ctx.text[a + len(first) : b]
    return between.strip() == "(" and (
        ctx.arms.role_and_name(first)[0] == ctx.arms.role_and_name(second)[0]
    )


def _group_roles(ctx: DocContext, s: SentenceSpans, g: Group) -> list[ArmRole]:
    """Roles of a comparison (or a lone value) that is not spread over a list."""
    text, k = ctx.text, len(g.values)
    if g.anchor is not None and "single-arm" in ctx.design_of(g.anchor.trial):
        # subgroups of a single-arm study ("PD-L1阳性与阴性患者的ORR分别为15.5%和6.4%") are not arms
        return [ArmRole("single", None)] * k
    if k == 1:
        return [_lone_role(text, s, g)]
    if k == 2 and any(v.change == "from" for v in g.values):
        # "from 11.0 months with placebo to 22.4 months", "to 8.3 months from 6.8 months"
        return [
            ArmRole("control" if v.change == "from" else "experimental", None) for v in g.values
        ]
    listed = _arms_listed_after(ctx, s, g)
    if listed:
        return listed
    cues = []
    for i, v in enumerate(g.values):
        nxt = g.values[i + 1].start if i + 1 < k else cue_end(text, v.end, s.end)
        cue = ArmRole(*value_cue(text, v.end, nxt))
        cues.append(cue if cue.role is not None else _cue_before(text, s, g, i))
    return _comparison_roles(ctx, s, g, cues)


def _arms_listed_after(ctx: DocContext, s: SentenceSpans, g: Group) -> list[ArmRole]:
    """Roles of values followed by as many arms listed with "respectively": "5.1%, 3.6%, and
    5.0% in the placebo, 30 μg YIC and 60 μg YIC groups respectively" (placebo first, the
    control). Empty when no such list follows or no arm's words give a role."""
    m = rx("link.arms_listed_after.v1").match(ctx.text, g.values[-1].end, s.end)
    if m is None:
        return []
    names = [a.strip() for a in rx("link.arm_list_separator.v1").split(m.group("list"))]
    if len(names) != len(g.values) or not all(names):
        return []
    if any(rx("link.population_not_arm.v1").match(a) for a in names):
        return []  # "in patients with low and high miR-21 respectively": subgroups
    roles = [arm_role(a + " group") for a in names]
    if "single" in roles:
        return []  # groups by a factor: the values' subgroups
    if not any(roles):
        # no arm's words give its role: the document's arms do, when they are the names listed
        # ("neutropenia (78% and 80% for DZ and D, respectively)", PMC4317856), else the order
        doc = [ctx.arms.role_of(a) for a in names]
        if all(doc) and len(set(doc)) == len(doc):
            return [ArmRole(r, a) for r, a in zip(doc, names, strict=True)]
        return []
    fill = "experimental" if "control" in roles else "control"
    return [ArmRole(r or fill, a) for r, a in zip(roles, names, strict=True)]


def _lone_role(text: str, s: SentenceSpans, g: Group) -> ArmRole:
    """A single value: a cue after or before it, "未达到和17.1个月" (the value after "not
    reached" is the control's), or one arm's value followed by its comparison."""
    v = g.values[0]
    cue = ArmRole(*value_cue(text, v.end, cue_end(text, v.end, s.end), lone=True))
    if cue.role is None:
        cue = _cue_before(text, s, g, 0)
    if cue.role is None and s.lang == "zh":
        # "观察组发生恶心…分别各1例，发生率为5.7%": the group the clause opened with
        before = [w.end for w in s.values if w.end <= v.start]
        lo = max(before[-1] if before else s.start, v.start - 60)
        role, arm = clause_arm(text, lo, v.start)
        if role is not None:
            cue = ArmRole(role, arm)
    if cue.role is None and s.lang == "en":
        role, arm = sentence_arm(
            text, s.start, s.end
        )  # "In the TEGAFOX arm, … a response rate of 38.9%"
        if role is not None or arm:
            cue = ArmRole(role, arm)
    if cue.role is None and rx("link.not_reached_before.v1").search(
        text, max(s.start, v.start - 90), v.start
    ):
        cue = ArmRole("control", cue.arm)
    if cue.role is None and any(
        0 <= m.start - v.end <= 40 and not rx("link.clause_break.v1").search(text[v.end : m.start])
        for m in s.measures
    ):
        cue = ArmRole("experimental", cue.arm)
    return cue


def _comparison_roles(
    ctx: DocContext, s: SentenceSpans, g: Group, cues: list[ArmRole]
) -> list[ArmRole]:
    """Roles of a comparison of ``k`` values, given each value's own cue (or none)."""
    k = len(g.values)
    if all(c.role is None for c in cues):
        arms = [a for a in s.arms if a.end <= g.start]
        if (
            not arms
            and s.lang == "zh"
            and rx("link.patients_compared_zh.v1").search(ctx.text, s.start, g.start)
        ):
            return [ArmRole("single", None)] * k  # "腺癌患者的OS率比鳞癌患者差（58.6%∶26.7%）"
        if len(arms) >= k:
            arms = arms[-k:]
            roles = [a.role for a in arms]
            if "single" in roles:
                # groups by a factor ("高/低血小板水平组"): subgroups of one cohort, not arms
                return [ArmRole("single", None)] * k
            if k == 2 and roles.count(None) == 1:
                known = roles[0] or roles[1]
                roles = [r or _other(known) for r in roles]
            if all(roles) and len(set(roles)) > 1:
                return [ArmRole(r, a.text) for r, a in zip(roles, arms, strict=True)]
        texts = [a.text for a in arms] if len(arms) == k else [c.arm for c in cues]
        if (
            k > 2
            and not any(texts)
            and len(ctx.arms.roles) < k
            and _factor_groups_before(ctx, s, g)
        ):
            return [ArmRole("single", None)] * k
        return _by_document_arms(ctx, s, g, texts) or [
            ArmRole(r, t) for r, t in zip(_by_order(ctx, k), texts, strict=True)
        ]
    known = [c.role for c in cues if c.role]
    if k == 2 and len(known) == 1:
        return [ArmRole(c.role or _other(known[0]), c.arm) for c in cues]
    if not known and ctx.arms.head_to_head:
        # "9.5 months for capecitabine and 8.1 months for S-1": neither is the standard
        return [ArmRole("experimental", c.arm) for c in cues]
    if "control" not in known and any(c.role is None for c in cues):
        # three arms or more and none named as control: the comparator is reported last
        last = max(i for i, c in enumerate(cues) if c.role is None)
        cues[last] = ArmRole("control", cues[last].arm)
    return [ArmRole(c.role or "experimental", c.arm) for c in cues]


def _factor_groups_before(ctx: DocContext, s: SentenceSpans, g: Group) -> bool:
    """Whether the paragraph, up to values that name no arm, has just set out groups of one
    cohort by a factor ("Four distinct risk groups were identified … Median PFS was 9.8, 2.0,
    1.6, and 0.7 years for each, respectively", PMC5013640): the values are those groups',
    each ``single``, not arms with the comparator last."""
    para = next((p for p in ctx.paragraphs if p.start <= s.start < p.end), None)
    lo = para.start if para is not None else s.start
    return rx("link.factor_groups_en.v1").search(ctx.text, lo, g.start) is not None


def _by_document_arms(
    ctx: DocContext, s: SentenceSpans, g: Group, texts: list[str | None]
) -> list[ArmRole] | None:
    """A primary report's comparison whose values' arms the sentence does not cue: the roles
    of the document's arms named with the values, when they differ. None: the sentence order
    decides (:func:`_by_order`)."""
    if not ctx.arms.comparative:
        return None
    found = [t or _doc_arm_near(ctx, s, g, i) for i, t in enumerate(texts)]
    roles = [ctx.arms.role_of(t) for t in found]
    if all(roles) and len(set(roles)) == len(roles):
        return [ArmRole(r or "experimental", t) for r, t in zip(roles, found, strict=True)]
    if any(texts):
        return None
    named_here = ctx.arms.named_in_order(ctx.text, s.start, s.end)
    order = _order_named(ctx, named_here, s.start, len(g.values))
    if order is None and not s.arms and not named_here:
        order = _paragraph_order(ctx, s, len(g.values))
    if order is None:
        return None
    named = [ctx.arms.role_and_name(key) for key in order]
    if len({r for r, _ in named}) != len(named):
        return None
    return [ArmRole(r, name) for r, name in named]


def _order_named(
    ctx: DocContext, named: list[tuple[int, str]], lo: int, k: int
) -> list[str] | None:
    """The order of a comparison's values when a stretch of text from ``lo`` names (``named``,
    from :meth:`DocArms.named_in_order`) the document's ``k`` arms:
    the order it names them ("Disease control rate was similar for FOLFOX4 and TOMOX (69.3 and
    74.9 %, respectively)", "more frequent in the FOLFOX4 group than the TOMOX group
    [neutropenia: 34.1 vs. 5.4 %"), the reference of a comparison last ("Compared to FEC, XEC
    was associated with more hand-foot syndrome (57% vs 11%")."""
    if len(named) != k:
        return None
    refs = {
        key
        for at, key in named
        if any(
            0 <= at - m.end() <= 2
            for m in rx("link.reference_arm_en.v1").finditer(ctx.text, max(lo, at - 60), at)
        )
    }
    return [key for _, key in named if key not in refs] + [key for _, key in named if key in refs]


def _paragraph_order(ctx: DocContext, s: SentenceSpans, k: int) -> list[str] | None:
    """The order in which the paragraph last named the document's ``k`` arms, before sentence
    ``s`` that names none: a comparison that does not name its arms ("OS was 17.2 versus 15.7
    months") reports them in the order the text has just used ("… similar for FOLFOX4 and TOMOX
    (69.3 and 74.9 %, respectively). With a median follow-up of 12.2 months, OS was 17.2 versus
    15.7 months")."""
    para = next((p for p in ctx.paragraphs if p.start <= s.start < p.end), None)
    if para is None:
        return None
    for sent in reversed([x for x in para.sentences if x.end <= s.start]):
        named = ctx.arms.named_in_order(ctx.text, sent.start, sent.end)
        order = _order_named(ctx, named, sent.start, k)
        if order is not None:
            return order
    return None


def _by_order(ctx: DocContext, k: int) -> list[str]:
    """Roles of ``k`` values no word assigns: the comparator is reported last — unless the report
    compares two regimens of which neither is the standard, which are both experimental
    (convention 1 of corpus/gold/NOTES_adjudication.md)."""
    if ctx.arms.head_to_head:
        return ["experimental"] * k
    return ["experimental"] * (k - 1) + ["control"]


def _other(role: str | None) -> str:
    return "control" if role == "experimental" else "experimental"


def _cue_before(text: str, s: SentenceSpans, g: Group, i: int) -> ArmRole:
    v = g.values[i]
    lo = g.values[i - 1].end if i > 0 else max(s.start, v.start - 24)
    return ArmRole(*cue_before(text[lo : v.start], spread=bool(g.distributed)))


def _spread_role(text: str, s: SentenceSpans, groups: list[Group], i: int) -> list[ArmRole]:
    """A group spread over trials, endpoints or timepoints takes one role for the whole group
    from the arm named before it ("对照组分别为…", "安慰剂组分别为…", "…against 35.7% and 27.1%")."""
    g = groups[i]
    cue = _cue_before(text, s, g, 0)
    if cue.role is None:
        lo = groups[i - 1].end if i else (g.trials[-1].end if g.trials else s.start)
        arms = [a for a in s.arms if lo <= a.start and a.end <= g.start and a.role]
        if arms:
            cue = ArmRole(arms[-1].role, arms[-1].text)
    if (
        cue.role is None
        and i
        and rx("link.versus_before.v1").search(text, max(s.start, g.start - 24), g.start)
    ):
        cue = ArmRole("control", cue.arm)
    if cue.role is None and cue.arm is None:
        # the arm named after the whole list: "94% and 81% in the IL-2 group, and 74% and 62% in
        # the control group, respectively", "51.1% and 33.6%, respectively, in the RFA group"
        aside = rx("link.aside_after.v1").match(text, g.end, s.end)
        after = aside.end() if aside else g.end
        resp = rx("link.respectively_after_list.v1").match(text, after, s.end)
        after = resp.end() if resp else after
        cue = ArmRole(*value_cue(text, after, min(s.end, after + 50)))
    if cue.role is None and s.lang == "en" and len(groups) == 1:
        role, arm = sentence_arm(
            text, s.start, s.end
        )  # "The ORR and DCR in the combination group were …"
        if role is not None:
            cue = ArmRole(role, arm)
    return [cue] * len(g.values)


def _pair_spread_groups(groups: list[Group], out: list[list[ArmRole]], head_to_head: bool) -> None:
    """Two spread groups alike ("1年、2年OS率分别为…，安慰剂组分别为…"): experimental, then
    control — when one of them names its arm (two subgroups' rates, "脑外转移已控制…，未能控制
    者…", are no comparison of arms); of a head-to-head report, both experimental."""
    spread = [i for i, g in enumerate(groups) if g.distributed]
    for a, b in zip(spread, spread[1:], strict=False):
        ga, gb = groups[a], groups[b]
        if ga.distributed != gb.distributed or len(ga.values) != len(gb.values):
            continue
        ra, rb = out[a][0].role, out[b][0].role
        if rb is None and out[b][0].arm:  # "而EP组分别为…": an arm named, its role not
            rb = "experimental" if head_to_head else "control"
            out[b] = [ArmRole(rb, r.arm) for r in out[b]]
        if ra is None and rb == "control":
            out[a] = [ArmRole("experimental", r.arm) for r in out[a]]
        if rb is None and ra == "experimental":
            out[b] = [ArmRole("experimental" if head_to_head else "control", r.arm) for r in out[b]]


def _comparator_after_shared_value(
    text: str, s: SentenceSpans, groups: list[Group], out: list[list[ArmRole]]
) -> None:
    """ "A组与B组的mPFS均为7.6个月，C组为5.5个月": after two arms sharing a value, the arm named
    on its own is their comparator."""
    for i, g in enumerate(groups):
        if len(g.values) != 1 or g.distributed or not shared_by_both_arms(text, s, g):
            continue
        for j in range(i + 1, len(groups)):
            gj = groups[j]
            if (
                len(gj.values) == 1
                and not gj.distributed
                and out[j][0].role is None
                and out[j][0].arm
            ):
                out[j] = [ArmRole("control", out[j][0].arm)]
                break


def _beside_the_control(groups: list[Group], out: list[list[ArmRole]]) -> None:
    """Lone values of one endpoint in one sentence, one of them the control's: the other is the
    experimental arm's ("31.9% of patients in the pembrolizumab group … compared with 16.3% in
    the chemotherapy group")."""
    lone = [i for i, g in enumerate(groups) if not g.distributed and len(g.values) == 1]
    for i in lone:
        if out[i][0].role is not None:
            continue
        ep = groups[i].endpoints[0]
        for j in lone:
            other = groups[j].endpoints[0]
            if (
                j != i
                and out[j][0].role == "control"
                and other.code == ep.code
                and other.timepoints == ep.timepoints
            ):
                out[i] = [ArmRole("experimental", out[i][0].arm)]
                break


def _two_named_arms(groups: list[Group], out: list[list[ArmRole]], head_to_head: bool) -> None:
    """Two lone values of one endpoint, each after its own arm's name and neither role known,
    are a comparison: the first arm's and then its comparator's, as in a grouped comparison
    ("the mean DFS for the PET/CT group (27.1 months …) was higher than that for the CT group
    (18.9 months …)"); of a head-to-head report, both the experimental arms'."""
    lone = [
        i
        for i, g in enumerate(groups)
        if not g.distributed and len(g.values) == 1 and out[i][0].role is None and out[i][0].arm
    ]
    if len(lone) != 2:
        return
    a, b = lone
    ea, eb = groups[a].endpoints[0], groups[b].endpoints[0]
    if ea.code == eb.code and ea.timepoints == eb.timepoints:
        out[a] = [ArmRole("experimental", out[a][0].arm)]
        out[b] = [ArmRole("experimental" if head_to_head else "control", out[b][0].arm)]


def shared_by_both_arms(text: str, s: SentenceSpans, g: Group) -> bool:
    """ "两组…均为62%", "A组与B组的mPFS均为7.6个月", "8 months for both groups": one value that
    both arms share."""
    return bool(
        rx("link.both_arms.v1").search(text, max(s.start, g.start - 30), g.start)
        or rx("link.both_arms_after.v1").match(text, g.end, s.end)
    )


def both_arms(
    text: str, s: SentenceSpans, g: Group, roles: list[ArmRole], head_to_head: bool = False
) -> tuple[Group, list[ArmRole]]:
    """A lone value both arms share becomes one value per arm: "两组3~4级不良事件发生率均为62%"
    (experimental and control; both experimental when the report compares two regimens
    neither of which is the standard), "A组与B组的mPFS均为7.6个月" (the two arms named before
    it)."""
    if len(g.values) != 1 or g.distributed or not shared_by_both_arms(text, s, g):
        return g, roles
    arms = [a for a in s.arms if a.end <= g.start]
    if rx("link.two_groups.v1").search(text, s.start, min(s.end, g.end + 30)):
        second = "experimental" if head_to_head else "control"
        roles = [ArmRole("experimental", None), ArmRole(second, None)]
    elif len(arms) >= 2:
        roles = [ArmRole(a.role or "experimental", a.text) for a in arms[-2:]]
    if len(roles) != 2:
        return g, roles
    return replace(g, values=(g.values[0], g.values[0])), roles
