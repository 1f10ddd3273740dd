"""Arm and subgroup cues: which value belongs to which arm, and to which population.

Rules are data in ``resources/arms.json``: control and experimental arm words,
arm-phrase patterns ("联合组与单药组", "pembrolizumab plus chemotherapy versus
chemotherapy alone"), per-value arm cues ("with placebo", "对照组"), subgroup
frames ("在…亚组中", "对于…患者而言", "among patients with …") and the words
that mean the whole population (全组, overall, intention-to-treat).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from ..rules import RuleFile, alternation, load_rules


@dataclass(frozen=True)
class ArmMention:
    start: int
    end: int
    text: str
    role: str | None  # experimental | control | single (a factor-defined group) | None (unknown)


@dataclass(frozen=True)
class SubgroupMention:
    start: int
    end: int
    text: str | None  # None: the whole population was named ("全组患者")


@cache
def _rules() -> RuleFile:
    return load_rules("arms.json")


@cache
def _rx(rule_id: str) -> re.Pattern[str]:
    """A rule of ``resources/arms.json``, its lexicons filled in, compiled once."""
    return _rules().regex(rule_id)


@cache
def _word_re(name: str) -> re.Pattern[str]:
    """Any word of lexicon ``name`` (control_words, whole_population…), anywhere."""
    return re.compile(alternation(_rules().lexicon(name)), re.IGNORECASE)


def arm_role(text: str, weak: bool = True) -> str | None:
    """Role an arm description implies (``weak``: also from standard-treatment words).

    Strong control words (placebo, 对照, 单纯, alone) decide; otherwise a combination
    (plus, 联合) is experimental; a group named by a patient or tumour factor (高表达组,
    阳性组, high-risk) is no arm (``single``, RECORDS.md: such groups are subgroups); a
    bare standard treatment (chemotherapy, 单药) is control.
    """
    if _word_re("control_words").search(text):
        return "control"
    if _word_re("experimental_words").search(text):
        return "experimental"
    if _word_re("factor_group_words").search(text):
        return "single"  # "高表达组", "PD-L1阳性组", "high-risk group": a group by a factor, not an arm
    if weak and _rx("arm.standard_only.v1").search(text.strip()):
        return "control"
    return None


def find_arms(text: str, start: int, end: int) -> list[ArmMention]:
    """Arm phrases in ``text[start:end]``, in text order."""
    found: list[tuple[int, int, ArmMention]] = []
    for rule in _rules().rules:
        if not rule.id.startswith("arm.phrase"):
            continue
        for m in _rx(rule.id).finditer(text, start, end):
            # order within a match is the reporting order: in "与B相比，A…" A comes first
            for order, g in enumerate(("a", "b")):
                if m.groupdict().get(g):
                    s, e = m.span(g)
                    arm_text = m.group(g).strip()
                    if any(x.start < e and s < x.end for _, _, x in found):
                        continue
                    found.append((m.start(), order, ArmMention(s, e, arm_text, arm_role(arm_text))))
    found.sort(key=lambda t: (t[0], t[1]))
    return _opposite_roles([a for _, _, a in found])


def _opposite_roles(arms: list[ArmMention]) -> list[ArmMention]:
    """Of two contrasted arms with one role known, the other has the opposite role."""
    if len(arms) != 2 or (arms[0].role is None) == (arms[1].role is None):
        return arms
    if "single" in (arms[0].role, arms[1].role):
        return arms  # a factor-defined group has no opposite arm
    known = arms[0] if arms[0].role else arms[1]
    opposite = "control" if known.role == "experimental" else "experimental"
    return [a if a.role else replace(a, role=opposite) for a in arms]


def value_cue(text: str, start: int, end: int, lone: bool = False) -> tuple[str | None, str | None]:
    """(role, arm text) a value's immediate surroundings give: "9.8 months with placebo", "对照组9.8个月".

    ``lone``: the value stands alone, so a comparison with another arm after it ("，显著低于润
    肤剂组") makes it the experimental arm's; inside a list of values that comparison is the
    whole list's and says nothing of the last value.
    """
    if text[start : start + 1] in (")", "）"):
        start += (
            1  # "three patients (8.8%) with gemcitabine plus huachansu": past the share's bracket
        )
    found = _value_cue_at(text, start, end, lone)
    aside = _rx("arm.aside_after_value.v1").match(text[start:end])
    if found == (None, None) and aside:
        # "27.2% (95% CI, 14.1-40.4, 12 of 44 assessable patients) with capecitabine"
        found = _value_cue_at(text, start + aside.end(), end, lone)
    return found


CUE_REACH = 50  # characters after a value (and its aside) where the arm it belongs to is named


def cue_end(text: str, start: int, limit: int) -> int:
    """Where the words after a value ending at ``start`` stop counting as its cue: 50 characters
    on, past the bracket of its CI or count if one follows ("115 days (95% CI, 90.2–156.1 days)
    with gemcitabine plus placebo"), and never past ``limit``."""
    aside = _rx("arm.aside_after_value.v1").match(text[start:limit])
    return min(limit, start + (aside.end() if aside else 0) + CUE_REACH)


def _value_cue_at(text: str, start: int, end: int, lone: bool) -> tuple[str | None, str | None]:
    for rule in _rules().rules:
        if not rule.id.startswith("arm.value_cue") or (rule.label == "lone_value" and not lone):
            continue
        m = _rx(rule.id).match(text[start:end])
        if m:
            arm = (
                _rx("arm.article.v1").sub("", m.group("arm").strip())
                if m.groupdict().get("arm")
                else None
            )
            # an arm whose words say nothing ("with osimertinib") leaves the role to the comparison
            role = rule.value or (arm_role(arm) if arm else None)
            return role, arm
    return None, None


def cue_before(window: str, spread: bool = False) -> tuple[str | None, str | None]:
    """(role, arm text) an arm named right before a value gives: "（对照组9.8个月", "安慰剂组为".

    ``spread``: the values that follow are a list spread over timepoints or trials, so
    "而EP组分别为…" names the arm of the whole list.
    """
    if spread:
        window = _rx("arm.spread_before.v1").sub("", window)
    for rule in _rules().rules:
        if not rule.id.startswith("arm.before_cue"):
            continue
        m = _rx(rule.id).search(window)
        if m:
            arm = m.group("arm")
            # a lone "单药组" / "化疗组" is the control only when contrasted with a combination
            return rule.value or arm_role(arm, weak=False), arm
    return None, None


def sentence_arm(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(role, arm) of the one arm an English sentence names as its setting ("In the TEGAFOX arm",
    "in the combination group"); (None, None) when it names none or several."""
    arms = {
        m.group("arm").strip().lower(): m.group("arm").strip()
        for m in _rx("arm.sentence_group_en.v1").finditer(text, start, end)
    }
    if len(arms) != 1:
        return None, None
    arm = next(iter(arms.values()))
    return arm_role(arm + " group"), arm


def clause_arm(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(role, arm) of the last group a clause of ``text[start:end]`` opens with (Chinese): the arm
    of a value that comes later in that clause. Groups of a factor or without role words give
    their role as :func:`arm_role` does."""
    hits = list(_rx("arm.clause_group.v1").finditer(text, start, end))
    if not hits:
        return None, None
    arm = hits[-1].group("arm")
    return arm_role(arm, weak=False), arm


def find_subgroups(text: str, start: int, end: int, lang: str) -> list[SubgroupMention]:
    """Subgroup frames of ``lang`` in ``text[start:end]`` (first rule wins an overlap), in text order.

    A frame about a study ("在本研究的…患者中") is none; a frame naming the whole
    population or an analysis set gives a mention without text.
    """
    out: list[SubgroupMention] = []
    edges = "".join(_rules().lexicon("subgroup_edges"))
    for rule in _rules().rules:
        if not rule.id.startswith(f"subgroup.{lang}"):
            continue
        for m in _rx(rule.id).finditer(text, start, end):
            sg = m.group("sg").strip(edges)  # "PD-L1阳性的" → "PD-L1阳性"
            if _rx("subgroup.study.v1").search(sg):
                continue
            if any(x.start < m.end() and m.start() < x.end for x in out):
                continue
            out.append(SubgroupMention(m.start(), m.end(), None if _whole_population(sg) else sg))
    out.sort(key=lambda s: s.start)
    return out


def _whole_population(sg: str) -> bool:
    """Do a frame's words name the whole population (全组, all randomized) or an analysis set
    (首次期中分析纳入的264例) rather than a subgroup?"""
    whole = _word_re("whole_population")
    return bool(
        whole.fullmatch(sg)
        or (whole.match(sg) and len(sg) <= 6)
        or _rx("subgroup.analysis_set.v1").search(sg)
        or _word_re("whole_prefixes").match(sg)
    )


def subgroup_levels(subgroup: str | None) -> tuple[str, str] | None:
    """The two levels of one factor a subgroup frame compares ("low compared with high Ang-2
    levels" → "low Ang-2 levels", "high Ang-2 levels"; "low and high miR-21 respectively"), or
    None: a frame of one population."""
    m = _rx("subgroup.levels_pair.v1").match(subgroup.strip()) if subgroup else None
    if m is None:
        return None
    a, b = m.group("a").strip(), m.group("b").strip()
    if a.lower() == m.group("la").lower():  # a bare level shares the factor written after the other
        a = f"{a} {b[len(m.group('lb')) :].strip()}".strip()
    return a, b
