"""Trial recognition: names, phase, enrolment and design words, in both languages.

A candidate name is an acronym with a study number (KEYNOTE-590, CheckMate 649,
ESO-Shanghai 13) or a bare acronym (ESCORT, CROSS). It becomes a trial mention
when it is not one of the acronyms that are never trials (guidelines, biomarkers,
regimens, staging…) and the text treats it as a study: a cue word follows
(研究, 试验, trial, study — possibly after an enumeration "A、B及C等研究"), a
phase parenthesis follows (``（Ⅲ期）``), a citation marker is attached, it is a
known trial family, or a reference title names it. The rules are data in
``resources/trials.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from ..records import canonical_trial_name, trial_key
from ..rules import RuleFile, load_rules


@dataclass(frozen=True)
class TrialMention:
    start: int
    end: int
    surface: str
    name: str  # canonical
    rule_id: str
    refs: tuple[str, ...] = ()


@cache
def _rules() -> RuleFile:
    return load_rules("trials.json")


@cache
def _rx(rule_id: str) -> re.Pattern[str]:
    """A rule of ``resources/trials.json``, its lexicons filled in, compiled once."""
    return _rules().regex(rule_id)


@cache
def _never() -> frozenset[str]:
    return frozenset(s.upper() for s in _rules().lexicon("never_trials"))


@cache
def _families() -> tuple[str, ...]:
    return tuple(
        sorted((f.upper() for f in _rules().lexicon("known_families")), key=len, reverse=True)
    )


def _prefix(surface: str) -> str:
    """The acronym part of a name: KEYNOTE of KEYNOTE-590, ESO-SHANGHAI of ESO-Shanghai 13."""
    m = _rx("trial.name_prefix.v1").match(surface)
    return (m.group("prefix") if m else surface).upper().rstrip("- ")


def is_never_trial(surface: str) -> bool:
    """Is ``surface`` (or its acronym part) one of the acronyms that are never trials (NCCN, AJCC,
    PD-L1…), or such an acronym's plural ("95% CIs", "HRs")?"""
    up = surface.upper()
    if surface.endswith("s") and surface[:-1].isupper() and up[:-1] in _never():
        return True
    if _rx("trial.letter_number.v1").search(up):
        # a number opening with a letter names a trial of a known family (KEYNOTE-A18); a
        # never-trial's numbered form is none (QLQ-C30, the EORTC questionnaire)
        if up.split("-", 1)[0] in _never():
            return True
    return up in _never() or _prefix(surface) in _never() or up.replace("-", "") in _never()


def is_known_family(surface: str) -> bool:
    """Does ``surface`` belong to a known trial family (KEYNOTE-…, CheckMate …), by its acronym part?"""
    p = _prefix(surface).replace(" ", "-")
    return any(p == f or p.startswith(f) and not p[len(f) :].isalpha() for f in _families())


@cache
def _common_words() -> frozenset[str]:
    return frozenset(w.upper() for w in _rules().lexicon("capitalised_words"))


def _cue_right_after(tail: str) -> bool:
    """Does ``tail`` open with a study word or a phase in brackets ("研究", " trial", "（Ⅲ期）")?"""
    return bool(
        _rx("trial.cue_after.v1").match(tail) or _rx("trial.phase_paren_after.v1").match(tail)
    )


def _direct_cue(text: str, end: int, citation_ends: set[int], limit: int) -> bool:
    """Is the name ending at ``end`` cited, or followed right away by a study word or a phase?"""
    return end in citation_ends or _cue_right_after(text[end : min(limit, end + 40)])


def _cued(text: str, end: int, citation_ends: set[int], limit: int) -> bool:
    """Is the name ending at ``end`` followed by a trial cue, directly or through an enumeration?"""
    pos = end
    for _ in range(8):
        tail = text[pos : min(limit, pos + 60)]
        if pos in citation_ends:
            return True
        if _cue_right_after(tail):
            return True
        # skip over a parenthesis and the next enumerated name: "A（Ⅲ期）、B及C等研究"
        m = _rx("trial.parenthesis_after.v1").match(tail)
        pos += m.end() if m else 0
        sep = _rx("trial.enumeration_separator.v1").match(text[pos:limit])
        if not sep:
            return bool(_rx("trial.etc_cue_after.v1").match(text[pos : min(limit, pos + 20)]))
        pos += sep.end()
        nxt = _rx("trial.enumerated_name.v1").match(text[pos:limit])
        if not nxt:
            return False
        pos += nxt.end()
    return False


def find_trial_mentions(
    text: str,
    citation_ends: set[int] | None = None,
    reference_names: set[str] | None = None,
    start: int = 0,
    end: int | None = None,
) -> list[TrialMention]:
    """Trial mentions in ``text[start:end]``; offsets are into ``text``.

    ``citation_ends`` are offsets right after which a citation marker stood;
    ``reference_names`` are trial keys named by reference titles (a strong cue).
    """
    end = len(text) if end is None else end
    citation_ends = citation_ends or set()
    reference_names = reference_names or set()
    out: list[TrialMention] = []
    for rule_id in ("trial.acronym_number.v1", "trial.bare_acronym.v1"):
        for m in _rx(rule_id).finditer(text, start, end):
            s, e = m.span("name")
            if any(t.start < e and s < t.end for t in out):
                continue
            surface = m.group("name")
            if is_never_trial(surface):
                continue
            # "The study PERATECS (…)": the report's own study, so marked for the linker
            own = surface.upper() not in _common_words() and named_by_study_word(text, s, e, end)
            if not (
                own
                or _is_trial(rule_id, surface, text, e, citation_ends, reference_names, end)
                or _introduced(surface, text, s, e, end)
            ):
                continue
            found_by = "trial.study_word_before.v1" if own else rule_id
            out.append(TrialMention(s, e, surface, canonical_trial_name(surface), found_by))
    out.sort(key=lambda t: t.start)
    return _bracketed_aliases(text, out)


def _bracketed_aliases(text: str, mentions: list[TrialMention]) -> list[TrialMention]:
    """A name in brackets right after another names the same trial: "KEYNOTE-091 (PEARLS)"."""
    out: list[TrialMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _rx("trial.alias_bracket_between.v1").fullmatch(text[prev.end : m.start])
            and _rx("trial.bracket_close_after.v1").match(text[m.end : m.end + 3])
        ):
            m = replace(m, name=prev.name)
        out.append(m)
    return out


def _is_trial(
    rule_id: str,
    surface: str,
    text: str,
    e: int,
    citation_ends: set[int],
    reference_names: set[str],
    end: int,
) -> bool:
    """Does the text treat the candidate name ``surface`` (ending at ``e``) as a study?

    A name with a number needs a cue (directly or through an enumeration), a reference
    title naming it, or a known family. A bare acronym needs a cue right after it
    ("ESCORT（Ⅲ期）", "the CROSS trial", "PALACE研究"), not through an enumeration ("BL and
    PA designed the trial"), and must not be an ordinary word set in capitals ("THIS TRIAL").
    """
    if rule_id == "trial.acronym_number.v1":
        return (
            _cued(text, e, citation_ends, end)
            or trial_key(surface) in reference_names
            or is_known_family(surface)
        )
    return (
        len(surface.replace(" ", "").replace("-", "")) >= 3
        and surface.upper() not in _common_words()
        and _direct_cue(text, e, citation_ends, end)
    )


def title_trial(text: str, start: int, end: int) -> TrialMention | None:
    """The trial a report's title ``text[start:end]`` names in the brackets that close it."""
    m = _rx("trial.title_bracket_name.v1").search(text, start, end)
    if m is None or is_never_trial(m.group("name")):
        return None
    s, e = m.span("name")
    return TrialMention(
        s, e, m.group("name"), canonical_trial_name(m.group("name")), "trial.title_bracket_name.v1"
    )


def _introduced(surface: str, text: str, s: int, e: int, end: int) -> bool:
    """A name the text introduces as a study's: in brackets right after a study word ("a phase
    II trial (CCOG-0801)", "This multicenter phase III trial (NEOPAC)", "一项Ⅲ期研究（ORIENT-15）"
    — but not the initials of the words before it: "a randomised controlled trial (RCT)"), or
    opening a sentence that says what study it is ("SUNRISE was a randomised, double-blind
    trial"), or followed by its expansion and a study word ("the SATURN (SequentiAl Tarceva in
    UnResectable NSCLC) study"). (A name given to "the study" and expanded in brackets is
    :func:`named_by_study_word`.)"""
    if surface.upper() in _common_words():
        return False
    bracketed = bool(
        not _initials_of(surface, text[max(0, s - 80) : s])
        and _rx("trial.study_before_bracket.v1").search(text[max(0, s - 12) : s])
        and _rx("trial.bracket_close_after.v1").match(text[e : min(end, e + 3)])
    )
    expanded = _rx("trial.expansion_then_study_after.v1").match(text[e : min(end, e + 110)])
    return (
        bracketed
        or bool(_rx("trial.copula_study_after.v1").match(text[e : min(end, e + 120)]))
        or bool(expanded and _spells(surface, expanded.group("exp")))
    )


def named_by_study_word(text: str, s: int, e: int, end: int) -> bool:
    """Is the name ``text[s:e]`` given to "the study" the text speaks of, and expanded right
    after ("The study PERATECS (“Patient empowerment and …”) was conducted")? A report names its
    own study so."""
    return bool(
        _rx("trial.study_word_before.v1").search(text[max(0, s - 50) : s])
        and _rx("trial.bracket_open_after.v1").match(text[e : min(end, e + 3)])
    )


def _spells(acronym: str, expansion: str) -> bool:
    """Do the capitals of ``expansion`` spell ``acronym``, in order ("SATURN": "SequentiAl
    Tarceva in UnResectable NSCLC")?"""
    caps = iter(ch for ch in expansion if ch.isupper())
    return all(any(c == letter for c in caps) for letter in acronym.upper() if letter.isalpha())


def _initials_of(acronym: str, before: str) -> bool:
    """Is ``acronym`` the initials of the last words of ``before`` ("RCT" after "randomized
    controlled trial (")?"""
    letters = [ch for ch in acronym.lower() if ch.isalpha()]
    words = [
        w for w in "".join(c if c.isalnum() else " " for c in before).split() if w[0].isalpha()
    ]
    tail = words[-len(letters) :] if letters else []
    return len(tail) == len(letters) and [w[0].lower() for w in tail] == letters


def _phase_code(raw: str) -> str | None:
    """The phase code of a phase as written: "Ⅲ" → "3", "Ⅱ/Ⅲ" → "2/3", "1b" → "1b"; None if any part is not a phase."""
    table = _rules().lexicon("phase_roman")
    parts = [p.strip() for p in raw.split("/")]
    codes = []
    for p in parts:
        m = _rx("trial.phase_part.v1").match(p)
        if not m:
            return None
        num = m.group("num")
        code = table.get(num.upper(), table.get(num, num))
        codes.append(code + m.group("sub").lower())
    return "/".join(codes)


def find_phases(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, phase code) of each phase expression in ``text[start:end]``."""
    end = len(text) if end is None else end
    out = []
    for m in _rx("trial.phase.v1").finditer(text, start, end):
        raw = m.group("zh") or m.group("en")
        code = _phase_code(raw.replace(" ", ""))
        if code:
            out.append((m.start(), m.end(), code))
    return out


def find_enrolment(
    text: str, lang: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int, int]]:
    """(start, end, n) of enrolment counts ("共有749例…入组", "749 patients were randomized")."""
    end = len(text) if end is None else end
    out = []
    for m in _rx("trial.enrolment_zh.v1" if lang == "zh" else "trial.enrolment_en.v1").finditer(
        text, start, end
    ):
        raw = m.group("n") or m.group("n2")
        n = int(raw.replace(",", ""))
        if n > 0:
            out.append((m.start(), m.end(), n))
    return out


@cache
def _design_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(design code, its words as rule ``trial.design_word.v1``) per code of the lexicon."""
    return [
        (code, _rules().regex("trial.design_word.v1", words=words))
        for code, words in _rules().lexicon("design_words").items()
    ]


def find_design(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, design code) of design words; 开放 counts only as 开放标签/开放性 (not 开放科学)."""
    end = len(text) if end is None else end
    out = []
    for code, pat in _design_patterns():
        for m in pat.finditer(text, start, end):
            if _rx("trial.design_word_not_design.v1").match(text, m.start(), m.start() + 5):
                continue  # 开放科学; "所有随机人群" is the analysis population, not the design
            out.append((m.start(), m.end(), code))
    return sorted(out)


def names_in_reference_title(title: str) -> list[str]:
    """Trial names a reference title gives: "(JCOG0807)", "The ESCORT-1st Randomized Clinical Trial",
    "the Neotorch randomized clinical trial", "Updated efficacy … from IMbrave150: …"."""
    out = []
    for m in _rx("trial.reference_title.v1").finditer(title):
        name = m.group("name") or m.group("name2")
        if not name or is_never_trial(name):
            continue
        # a parenthesised name closing the title, or "the X trial", is named as a trial
        digits = any(c.isdecimal() for c in name)  # what \\d matches
        if not (digits or sum(c.isupper() for c in name) >= 3 or len(name) >= 4):
            continue
        if len(name) > 30 or " " in name.strip() and not digits:
            continue
        out.append(name)
    if not out:
        for m in _rx("trial.acronym_number.v1").finditer(title):
            name = m.group("name")
            closing = _rx("trial.title_closing_name_before.v1").search(title[: m.start()]) and _rx(
                "trial.title_end_after.v1"
            ).match(title[m.end() :])
            if not is_never_trial(name) and (
                is_known_family(name)
                or _rx("trial.title_colon_after.v1").match(title[m.end() :])
                or closing  # "… cervical cancer: EORTC-55994[J]"
            ):
                out.append(name)
    return out
