"""Numbers on normalized text: values with units, P values, effect measures, CIs.

Numbers are taken with regex on the text before tokenization (jieba splits
``23.4%`` unpredictably); ``extract.nlp`` aligns them to spaCy tokens. Rules
and word lists are data in ``resources/numbers.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..rules import RuleFile, load_rules


@dataclass(frozen=True)
class Value:
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str | None  # month | year | week | day | percent | None (borrowed from a list)
    qualifier: str
    text: str
    change: str | None = None  # "from" / "to": one end of "from X to Y", "从X延长至Y"


@dataclass(frozen=True)
class PValue:
    start: int
    end: int
    value: float
    qualifier: str  # = < <= >
    shared: bool = False  # "P值均<0.001": one P for several comparisons


@dataclass(frozen=True)
class Measure:
    start: int
    end: int
    measure: str  # HR | OR | RR | difference
    value: float
    about: str  # words after the measure: "for death" → OS


@dataclass(frozen=True)
class Interval:
    start: int
    end: int
    level: float | None
    low: float
    high: float


@cache
def _rules() -> RuleFile:
    return load_rules("numbers.json")


@cache
def _rx(rule_id: str) -> re.Pattern[str]:
    """A rule of ``resources/numbers.json``, its lexicons filled in, compiled once."""
    return _rules().regex(rule_id)


def unit_code(raw: str | None) -> str | None:
    """The unit code of a unit as written ("个月", "mos.", "%" → month, month, percent), or None."""
    if not raw:
        return None
    units = _rules().lexicon("units")
    key = raw.lower().rstrip(".") if raw != "%" else raw
    return units.get(key) or units.get(raw)


def find_values(text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> list[Value]:
    """Values with units (and unit-less members of a list) in ``text[start:end]``.

    ``blocked`` spans (P values, CIs, effect values, grades, landmarks) are skipped.
    Counts, doses, ages, dates and numbers glued to other words are not values.
    """
    out: list[Value] = []
    for m in _rx("number.value.v1").finditer(text, start, end):
        if m.end() == m.start() or _overlaps(blocked, m.start("v"), m.end("v")):
            continue
        if _not_a_value(text, m, start, end):
            continue
        out.extend(_values_of(text, m, start, end))
    out.extend(_number_word_values(text, start, end, blocked, out))
    out.extend(_spelled_percents(text, start, end, blocked, out))
    out.sort(key=lambda v: v.start)
    return out


def not_result_spans(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Numbers that are no results: durations that date something ("at 2 and 3 years", "after 6
    weeks"; English) and thresholds that define a response ("more than 50% decreases in tumor
    size", "缩小≥30%")."""
    rules = ["number.response_criterion.v1"]
    if lang == "en":
        rules.append("number.timepoint_after_preposition_en.v1")
    return [m.span() for r in rules for m in _rx(r).finditer(text, start, end)]


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    """Does ``[a, b)`` overlap one of ``spans``?"""
    return any(x < b and a < y for x, y in spans)


def _not_a_value(text: str, m: re.Match[str], start: int, end: int) -> bool:
    """Is the number of ``m`` something other than a result: a count, dose, date, cut-off, list index?

    A unit-less number counts only as a member of a list whose unit comes later, so
    it must not be followed by a count word, stand glued to a word, or be a year.
    """
    a, b = m.span()
    unit_raw = m.group("unit")
    unit = unit_code(unit_raw)
    after_v = text[m.end("v") : min(end, m.end("v") + 12)]
    after = after_v if not unit_raw and not m.group("v2") else text[b : min(end, b + 12)]
    not_after = _rx("number.not_value_after.v1")
    if (unit is None and not_after.match(after_v)) or (unit is not None and not_after.match(after)):
        return True
    if unit in ("year", None) and _rx("number.year_date.v1").match(m.group("v")):
        return True  # 2024年 is a date
    if (
        unit == "percent"
        and _rx("number.count_before_share.v1").search(text[max(start, a - 16) : a])
        and not _rx("number.result_after_share.v1").match(text, b, end)
    ):
        return True  # "20例(38%)": the share of a count, a baseline figure (unless "… achieved PR")
    prev = text[max(start, a - 1) : a]
    if prev in _rules().lexicon("not_value_marks_before") or (prev.isalpha() and prev.isascii()):
        return True  # 第3, 1/2, 10^3; a number glued to a Latin word
    if unit is None and _rx("number.count_word_after.v1").match(text[b : b + 3]):
        return True
    if _rx("number.threshold_before.v1").search(text, max(start, a - 14), a):
        return True
    if _rx("number.listing_threshold_before.v1").search(text, max(start, a - 20), a) and _rx(
        "number.listing_threshold_after.v1"
    ).match(text, b, end):
        return True  # "toxicities experienced by at least 5% of patients": a listing's threshold
    if unit is None and _rx("number.count_named_before.v1").search(text, max(start, a - 6), a):
        return True  # "not evaluable, N = 1) and 4%": a count, no list member of the 4%
    if unit is None and _rx("number.count_then_share.v1").match(text, b):
        return True  # "34 (83%)": a count; its share is the value
    if _rx("number.cutoff_before.v1").search(text, max(start, a - 2), a) and _rx(
        "number.who_after.v1"
    ).match(text, max(b, a), end):
        return True  # "无化疗间期≥90天患者", "<90天者": a cut-off that defines patients
    # "1-2" without a unit is not a range of values
    return (
        bool(m.group("v2")) and m.group("rsep") in _rules().lexicon("range_dashes") and unit is None
    )


def _values_of(text: str, m: re.Match[str], start: int, end: int) -> list[Value]:
    """The value (or, for "from X to Y", the two values) a number match gives, with qualifier.

    "from 11.1 to 14.4 months" / "从11.1至14.4个月" is a change between two values, not a
    range; a range whose high end is below its low end keeps only the low end.
    """
    a, b = m.span()
    unit = unit_code(m.group("unit"))
    v = float(m.group("v"))
    v2 = float(m.group("v2")) if m.group("v2") else None
    qualifier, qa_end = _qualifier(text, a, b, start, end, unit)
    from_before = bool(_rx("number.from_before.v1").search(text, max(start, a - 6), a))
    if v2 is not None and m.group("rsep") in _rules().lexicon("change_separators") and from_before:
        s2 = m.start("v2")
        return [
            Value(a, m.end("v"), v, None, unit, "=", text[a : m.end("v")], "from"),
            Value(s2, max(b, qa_end), v2, None, unit, qualifier, text[s2 : max(b, qa_end)], "to"),
        ]
    if v2 is not None and v2 < v:
        v2 = None
    change = "from" if from_before else None
    return [Value(a, max(b, qa_end), v, v2, unit, qualifier, text[a : max(b, qa_end)], change)]


def _qualifier(
    text: str, a: int, b: int, start: int, end: int, unit: str | None
) -> tuple[str, int]:
    """(qualifier, end of the value with it) of the value at ``text[a:b]``.

    A word before ("不足", "more than", "≥") qualifies any value; a word after
    ("以上", "左右") only one with a unit, and it extends the value's span.
    """
    qualifier = "="
    qb = _rx("number.qualifier_before.v1").search(text, max(start, a - 16), a)
    if qb:
        qualifier = _rules().lexicon("qualifiers_before")[
            _lookup_key(qb.group("q"), "qualifiers_before")
        ]
    qa = _rx("number.qualifier_after.v1").match(text, b, min(end, b + 4))
    if qa and unit is not None:
        return _rules().lexicon("qualifiers_after")[qa.group("q")], qa.end()
    return qualifier, b


def _number_word_values(
    text: str, start: int, end: int, blocked: list[tuple[int, int]], found: list[Value]
) -> list[Value]:
    """Spelled-out years with a qualifier: "不足一年", "超过两年", "less than one year"."""
    out = []
    for m in _rx("number.word_value.v1").finditer(text, start, end):
        if _overlaps(blocked, *m.span()) or any(
            v.start < m.end() and m.start() < v.end for v in found
        ):
            continue
        words = _rules().lexicon("number_words")
        qualifier = _rules().lexicon("qualifiers_before")[
            _lookup_key(m.group("q"), "qualifiers_before")
        ]
        out.append(
            Value(
                m.start("w"),
                m.end(),
                float(words[m.group("w").lower()]),
                None,
                "year",
                qualifier,
                m.group(0),
            )
        )
    return out


def spelled_number(words: str) -> int | None:
    """An English number spelled out, 0 to 100: "three" → 3, "Thirty-two" → 32, "one hundred" →
    100; None for anything else."""
    lex = _rules().lexicon("english_numbers")
    w = words.lower().strip()
    if w in lex:
        return int(lex[w])
    tens, _, unit = w.replace(" ", "-").partition("-")
    if (
        tens in lex
        and unit in lex
        and 20 <= lex[tens] <= 90
        and lex[tens] % 10 == 0
        and 0 < lex[unit] < 10
    ):
        return int(lex[tens] + lex[unit])
    return None


def _spelled_percents(
    text: str, start: int, end: int, blocked: list[tuple[int, int]], found: list[Value]
) -> list[Value]:
    """ "Seventy-three percent and 67% …": a spelled-out percentage is a value like 73%."""
    out = []
    for m in _rx("number.spelled_percent.v1").finditer(text, start, end):
        n = spelled_number(m.group("w")) if not _overlaps(blocked, *m.span()) else None
        if n is None or any(v.start < m.end() and m.start() < v.end for v in found):
            continue
        out.append(Value(m.start("w"), m.end(), float(n), None, "percent", "=", m.group(0)))
    return out


def _lookup_key(word: str, lexicon: str) -> str:
    """The key of ``lexicon`` that ``word`` is, ignoring case ("Less than" → "less than")."""
    lex = _rules().lexicon(lexicon)
    if word in lex:
        return word
    low = word.lower()
    for k in lex:
        if k.lower() == low:
            return k
    raise KeyError(word)


def _num(s: str) -> float:
    """A P value as written: "0.044", ".025", "0,145" (a decimal comma), "7.7 × 10−5" (spaces are
    ignored)."""
    s = s.replace(" ", "").replace(",", ".")
    m = _rx("number.times_ten_power.v1").fullmatch(s)
    if m:
        return float(m.group("mantissa")) * 10 ** -int(m.group("exponent"))
    return float(s)


def find_p_values(text: str, start: int, end: int) -> list[PValue]:
    """P values; a significance boundary ("界值（P=0.0185）", "boundary of P=0.0185") is not a result."""
    out = []
    for m in _rx("number.p_value.v1").finditer(text, start, end):
        p = _p_value(text, m, start, end)
        if p is None:
            continue
        out.append(p)
        out.extend(_respective_p_values(text, m.end(), end))
    return out


def _p_value(text: str, m: re.Match[str], start: int, end: int) -> PValue | None:
    """The P value of ``m``, or None when it is not a probability or not a result.

    "P值均<0.001" and "P < 0.001 for both" are one P shared by several comparisons;
    "P=0.000" is rounded to zero and stands for < 0.001 (RECORDS.md v2).
    """
    try:
        v = _num(m.group("val"))
    except ValueError:
        return None
    if not 0 <= v <= 1:
        return None
    if _rx("number.p_not_result_before.v1").search(text, max(start, m.start() - 14), m.start()):
        return None
    shared = bool(m.group("all")) or bool(_rx("number.p_shared_after.v1").match(text, m.end(), end))
    op = _rules().lexicon("p_operators")[m.group("op").strip() or " "]
    if v == 0 and op == "=":
        v, op = 0.001, "<"
    return PValue(m.start(), m.end(), v, op, shared)


def _respective_p_values(text: str, pos: int, end: int) -> list[PValue]:
    """The further P values of a list closed by respectively / 分别, one per comparison.

    "(p=0.05, 0.05 and 0.037 respectively)", "（P值分别为0.01、0.03）".
    """
    more = []
    while (nxt := _rx("number.more_p.v1").match(text, pos, end)) is not None:
        more.append(nxt)
        pos = nxt.end()
    if not more or not _rx("number.respective_after.v1").match(text, pos, end):
        return []
    ops = _rules().lexicon("p_operators")
    return [
        PValue(n.start("val"), n.end(), float(n.group("val")), ops.get(n.group("op") or "=", "="))
        for n in more
    ]


def measure_code(raw: str) -> str:
    """HR, OR or RR for their names and abbreviations (lexicon measure_codes); any other measure is a difference."""
    codes = _rules().lexicon("measure_codes")
    return codes.get(raw.lower(), "difference")  # mean difference, WMD, SMD, MD


def find_measures(text: str, start: int, end: int) -> list[Measure]:
    """Effect measures; "HR分别为0.524（95%CI…）和0.478（95%CI…）" gives one measure per value."""
    out = []
    for m in _rx("number.effect.v1").finditer(text, start, end):
        try:
            v = float(m.group("val"))
        except ValueError:
            continue
        about = _about(text, m, start)
        code = measure_code(m.group("measure"))
        out.append(Measure(m.start(), m.end(), code, v, about))
        if _one_per_value(text, m, end, about):
            out.extend(_more_measure_values(text, m.end(), end, code, about))
    for m in _rx("number.effect_difference_percent.v1").finditer(text, start, end):
        # "absolute difference in … was 5.95% (95% CI …)": percentage points between the arms
        if any(x.start < m.end() and m.start() < x.end for x in out):
            continue
        v = float(m.group("val").replace("−", "-"))
        out.append(Measure(m.start(), m.end(), "difference", v, _about(text, m, start)))
    out.sort(key=lambda x: x.start)
    repeats = _unnamed_repeats(text, start, end, out)
    if repeats is not None:
        out = sorted(out + repeats, key=lambda x: x.start)
    return out


def _about(text: str, m: re.Match[str], start: int) -> str:
    """What the measure of ``m`` is about: the words after its name, after the risk named before it.

    "死亡风险降低27%（HR=0.73" and "risk of progression or death (HR 0.58" name the event first.
    """
    about = text[m.end("measure") : m.start("val")]
    before = _rx("number.about_before.v1").search(text, max(start, m.start() - 70), m.start())
    if before:
        about = (before.group(1) or before.group(2)) + " " + about
    return about


def _one_per_value(text: str, m: re.Match[str], end: int, about: str) -> bool:
    """Does the measure of ``m`` head a list of values: 分别, respectively, or one value per arm?"""
    return bool(
        _rx("number.respectively_about.v1").search(about)
        or _rx("number.respectively_after.v1").search(text[m.end() : min(end, m.end() + 80)])
        or _rx("number.for_arm_after.v1").match(text, m.end(), end)
    )


def _more_measure_values(text: str, pos: int, end: int, code: str, about: str) -> list[Measure]:
    """The further values of a measure's list: "HR分别为0.524（95%CI…）和0.478"."""
    out = []
    while (more := _rx("number.more_measure_values.v1").match(text, pos, end)) is not None:
        out.append(
            Measure(more.start("val"), more.end("val"), code, float(more.group("val")), about)
        )
        pos = more.end()
    return out


def _unnamed_repeats(text: str, start: int, end: int, found: list[Measure]) -> list[Measure] | None:
    """The sentence's measure reported again without its name (None: no measure word at all).

    "The WMD of Hb … was 20.73 g/l (95% CI …) versus 10.42 g/l (95% CI …) in the PPI group";
    "As for WMD of SF, …: 11.55 μg/l (95% CI …)": each value with a CI after the word is one.
    """
    word = _rx("number.measure_word.v1").search(text, start, end)
    if word is None:
        return None
    code = measure_code(word.group(0))
    taken = [(m.start, m.end) for m in found]
    out = []
    for v in _rx("number.value_with_ci.v1").finditer(text, word.end(), end):
        vs, ve = v.span("val")
        if any(a <= vs < b for a, b in taken):
            continue
        out.append(Measure(vs, ve, code, float(v.group("val")), ""))
    return out


def find_intervals(text: str, start: int, end: int) -> list[Interval]:
    """Confidence intervals with their level; a reversed interval or a level outside [50%, 100%) is none.

    A CI named by its level and then described, its bounds after "was" ("95% confidence interval
    (2-tailed) for the difference … was 1.5% to 24.1%", ``number.ci_described.v1``), is its
    bounds: the words between stay what they say. A second interval listed right after a
    levelled one ("8 to 14 and 7 to 17 months") is of the same level."""
    out: list[Interval] = []
    for rule, whole in (("number.ci.v1", True), ("number.ci_described.v1", False)):
        for m in _rx(rule).finditer(text, start, end):
            bounds = _bounds(m)
            level = round(float(m.group("level")) / 100, 6) if m.group("level") else None
            if bounds is None or (level is not None and not 0.5 <= level < 1):
                continue
            begin = m.start() if whole else m.start("lo")
            if not whole and any(i.start < m.end() and begin < i.end for i in out):
                continue
            out.append(Interval(begin, m.end(), level, *bounds))
            nxt = _rx("number.ci_listed_after.v1").match(text, m.end(), end) if level else None
            more = _bounds(nxt) if nxt is not None else None
            if more is not None:
                out.append(Interval(nxt.start("lo"), nxt.end(), level, *more))
    out.sort(key=lambda i: i.start)
    return out


def _bounds(m: re.Match[str]) -> tuple[float, float] | None:
    """The (low, high) bounds of an interval match; None when they are no numbers or reversed."""
    try:
        lo, hi = float(m.group("lo")), float(m.group("hi"))
    except ValueError:
        return None
    return (lo, hi) if lo <= hi else None
