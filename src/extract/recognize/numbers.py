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


@dataclass
class Value:
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str | None  # month | year | week | day | percent | None (borrowed from a list)
    qualifier: str
    text: str
    change: str | None = None  # "from" / "to": one end of "from X to Y", "从X延长至Y"


@dataclass
class PValue:
    start: int
    end: int
    value: float
    qualifier: str  # = < <= >
    shared: bool = False  # "P值均<0.001": one P for several comparisons


@dataclass
class Measure:
    start: int
    end: int
    measure: str  # HR | OR | RR | difference
    value: float
    about: str  # words after the measure: "for death" → OS


@dataclass
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
def _qualifier_before() -> re.Pattern[str]:
    words = sorted(_rules().lexicon("qualifiers_before"), key=len, reverse=True)
    latin = "|".join(re.escape(w) for w in words if w[0].isascii() and w[0].isalpha())
    other = "|".join(re.escape(w) for w in words if not (w[0].isascii() and w[0].isalpha()))
    # an English qualifier must be a word of its own; 约 may follow "mOS" directly
    return re.compile(
        rf"(?P<q>(?<![A-Za-z])(?:{latin})|{other})\s*(?:为|是|of|was|were|达|达到|仅为|仅)?\s*$",
        re.IGNORECASE,
    )


@cache
def _qualifier_after() -> re.Pattern[str]:
    words = sorted(_rules().lexicon("qualifiers_after"), key=len, reverse=True)
    return re.compile(r"\s*(?P<q>" + "|".join(re.escape(w) for w in words) + ")")


@cache
def _not_value_after() -> re.Pattern[str]:
    words = sorted(_rules().lexicon("not_values_after"), key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


@cache
def _threshold_before() -> re.Pattern[str]:
    words = sorted(_rules().lexicon("threshold_words"), key=len, reverse=True)
    alts = "|".join(re.escape(w) for w in words)
    # "CPS ≥10", "TPS of 50% or greater", "PD-L1表达≥1%": a cut-off that defines patients
    return re.compile(rf"(?:{alts})\s*(?:[≥≤<>=]=?|of|为|at least)?\s*$", re.IGNORECASE)


_CUTOFF = re.compile(r"[≥≤<>]=?\s*$")
_WHO_AFTER = re.compile(r"\s*(?:的)?(?:患者|者|病例|人群|亚组)|\s*(?:patients|subgroup)\b", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"(?:\bfrom|从|由)\s*$", re.IGNORECASE)
_COUNT_THEN_SHARE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*%")


def unit_code(raw: str | None) -> str | None:
    if not raw:
        return None
    units = _rules().lexicon("units")
    key = raw.lower().rstrip(".") if raw != "%" else raw
    return units.get(key) or units.get(raw)


_YEAR_DATE = re.compile(r"^(?:19|20)\d{2}$")
_NUMBER_WORD_VALUE = re.compile(
    r"(?P<q>不足|不到|少于|超过|约|近|接近|less than|more than|under|over|about|approximately|nearly|almost)\s*"
    r"(?P<w>一|两|二|三|四|五|半|one|two|three|four|five|half a)\s*(?:个)?(?P<unit>年|years?|year)(?![A-Za-z率])",
    re.IGNORECASE,
)


def find_values(text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> list[Value]:
    """Values with units (and unit-less members of a list) in ``text[start:end]``.

    ``blocked`` spans (P values, CIs, effect values, grades, landmarks) are skipped.
    Counts, doses, ages, dates and numbers glued to other words are not values.
    """
    rule = _rules().rule("number.value.v1")
    out: list[Value] = []

    def is_blocked(a: int, b: int) -> bool:
        return any(x < b and a < y for x, y in blocked)

    for m in rule.regex.finditer(text, start, end):
        a, b = m.span()
        if b == a or is_blocked(m.start("v"), m.end("v")):
            continue
        raw_v = m.group("v")
        unit_raw = m.group("unit")
        unit = unit_code(unit_raw)
        after = text[m.end("v") if not unit_raw and not m.group("v2") else b : min(end, b + 12)]
        if unit is None and _not_value_after().match(text[m.end("v") : min(end, m.end("v") + 12)]):
            continue
        if unit is not None and _not_value_after().match(after):
            continue
        if unit == "year" and _YEAR_DATE.match(raw_v):
            continue  # 2024年 is a date
        if unit is None and _YEAR_DATE.match(raw_v):
            continue
        if unit == "percent" and re.search(r"\d+\s*(?:例|名|patients?|participants?)\s*[(（]\s*$", text[max(start, a - 16) : a]):
            continue  # "20例(38%)": the share of a count, a baseline figure
        prev = text[max(start, a - 1) : a]
        if prev in ("第", "/", "^", "-") or (prev.isalpha() and prev.isascii()):
            continue
        if re.match(r"^\s*(?:级|期|线|分|个(?!月)|例|名|倍|次|mg|Gy)", text[b : b + 3]) and unit is None:
            continue
        if _threshold_before().search(text, max(start, a - 14), a):
            continue
        if unit is None and _COUNT_THEN_SHARE.match(text, b):
            continue  # "34 (83%)": a count; its share is the value
        if _CUTOFF.search(text, max(start, a - 2), a) and _WHO_AFTER.match(text, max(b, a), end):
            continue  # "无化疗间期≥90天患者", "<90天者": a cut-off that defines patients
        v = float(raw_v)
        v2 = float(m.group("v2")) if m.group("v2") else None
        if v2 is not None and m.group("rsep") in ("-", "–") and unit is None:
            continue  # "1-2" without a unit is not a range of values
        qualifier = "="
        qb = _qualifier_before().search(text, max(start, a - 16), a)
        if qb:
            qualifier = _rules().lexicon("qualifiers_before")[_lookup_key(qb.group("q"), "qualifiers_before")]
        qa = _qualifier_after().match(text, b, min(end, b + 4))
        qa_end = b
        if qa and unit is not None:
            qualifier = _rules().lexicon("qualifiers_after")[qa.group("q")]
            qa_end = qa.end()
        if v2 is not None and m.group("rsep") in ("to", "至", "到") and _FROM_BEFORE.search(text, max(start, a - 6), a):
            # "from 11.1 to 14.4 months" / "从11.1至14.4个月": two values, not a range
            s2 = m.start("v2")
            out.append(Value(a, m.end("v"), v, None, unit, "=", text[a : m.end("v")], "from"))
            out.append(Value(s2, max(b, qa_end), v2, None, unit, qualifier, text[s2 : max(b, qa_end)], "to"))
            continue
        if v2 is not None and v2 < v:
            v2 = None
        change = "from" if _FROM_BEFORE.search(text, max(start, a - 6), a) else None
        out.append(Value(a, max(b, qa_end), v, v2, unit, qualifier, text[a : max(b, qa_end)], change))
    for m in _NUMBER_WORD_VALUE.finditer(text, start, end):
        if is_blocked(*m.span()) or any(v.start < m.end() and m.start() < v.end for v in out):
            continue
        words = _rules().lexicon("number_words")
        w = m.group("w").lower()
        qualifier = _rules().lexicon("qualifiers_before")[_lookup_key(m.group("q"), "qualifiers_before")]
        out.append(Value(m.start("w"), m.end(), float(words[w]), None, "year", qualifier, m.group(0)))
    out.sort(key=lambda v: v.start)
    return out


def _lookup_key(word: str, lexicon: str) -> str:
    lex = _rules().lexicon(lexicon)
    if word in lex:
        return word
    low = word.lower()
    for k in lex:
        if k.lower() == low:
            return k
    raise KeyError(word)


def _num(s: str) -> float:
    s = s.replace(" ", "")
    m = re.fullmatch(r"(\d*\.?\d+)[×x]10[-−](\d+)", s)
    if m:
        return float(m.group(1)) * 10 ** -int(m.group(2))
    return float(s)


_P_OPS = {"<": "<", ">": ">", "=": "=", ":": "=", "：": "=", "¼": "=", "≤": "<=", "<=": "<=", "≥": ">=", ">=": ">="}


_P_SHARED_AFTER = re.compile(r"\s*(?:for|in)\s+(?:both|all|each)\b", re.IGNORECASE)


@cache
def _p_not_result() -> re.Pattern[str]:
    words = sorted(_rules().lexicon("p_not_result_before"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + r")[^，。；,;]{0,6}$", re.IGNORECASE)


def find_p_values(text: str, start: int, end: int) -> list[PValue]:
    """P values; a significance boundary ("界值（P=0.0185）", "boundary of P=0.0185") is not a result."""
    out = []
    for m in _rules().rule("number.p_value.v1").regex.finditer(text, start, end):
        try:
            v = _num(m.group("val"))
        except ValueError:
            continue
        if not 0 <= v <= 1:
            continue
        if _p_not_result().search(text, max(start, m.start() - 14), m.start()):
            continue
        shared = bool(m.group("all")) or bool(_P_SHARED_AFTER.match(text, m.end(), end))
        op = _P_OPS[m.group("op")]
        if v == 0 and op == "=":  # "P=0.000", "P = .000": rounded to zero → < 0.001 (RECORDS.md v2)
            v, op = 0.001, "<"
        out.append(PValue(m.start(), m.end(), v, op, shared))
        # "(p=0.05, 0.05 and 0.037 respectively)", "（P值分别为0.01、0.03）": one P per comparison
        pos, more = m.end(), []
        while (nxt := _MORE_P.match(text, pos, end)) is not None:
            more.append(nxt)
            pos = nxt.end()
        if more and _RESPECTIVE_AFTER.match(text, pos, end):
            for nxt in more:
                op = _P_OPS.get(nxt.group("op") or "=", "=")
                out.append(PValue(nxt.start("val"), nxt.end(), float(nxt.group("val")), op))
    return out


_MORE_P = re.compile(r"\s*(?:,|，|、|and|和|及)\s*(?P<op><=|>=|≤|<|>|=)?\s*(?P<val>0?\.\d+|1(?:\.0+)?)(?![\d.%])")
_RESPECTIVE_AFTER = re.compile(r"[\s,，]*(?:respectively|分别)", re.IGNORECASE)


_MEASURE_CODES = {
    "hrs": "HR", "ors": "OR", "rrs": "RR",
    "hr": "HR", "ahr": "HR", "hazard ratio": "HR", "风险比": "HR", "危险比": "HR",
    "or": "OR", "aor": "OR", "odds ratio": "OR", "比值比": "OR", "比数比": "OR",
    "rr": "RR", "risk ratio": "RR", "relative risk": "RR", "rate ratio": "RR", "相对危险度": "RR", "相对风险": "RR",
}


def measure_code(raw: str) -> str:
    low = raw.lower()
    if low in _MEASURE_CODES:
        return _MEASURE_CODES[low]
    return "difference"  # mean difference, WMD, SMD, MD


_MORE_MEASURE_VALUES = re.compile(
    r"\s*(?:[(（\[][^()（）\[\]]{0,60}[)）\]])?(?:\s+for\s+[^,;()\[\]]{1,40}?)?\s*(?:和|、|及|与|,|，|and)\s*"
    r"(?P<val>-?\d*\.\d+)(?![\d%])"
)
# "0.42 [99.5% CI, 0.31 to 0.57] for the combination and 0.57 [...] for nivolumab"
_FOR_ARM_AFTER = re.compile(r"\s*(?:[(（\[][^()（）\[\]]{0,60}[)）\]])?\s+for\s+(?:the\s+)?[A-Za-z][\w\- ]{1,40}?\s+and\s+-?\d")
_ABOUT_BEFORE = re.compile(
    r"(死亡|进展或死亡|疾病进展或死亡|复发或死亡|复发|进展)(?:的)?风险(?:的)?(?:降低(?:了)?\s*\d+(?:\.\d+)?\s*%\s*[(（]?)?\s*$"
    r"|risk of ((?:disease )?(?:progression|recurrence)?(?: or )?death|progression|recurrence)[^()（）;；]{0,40}[(（]\s*$",
    re.IGNORECASE,
)


def find_measures(text: str, start: int, end: int) -> list[Measure]:
    """Effect measures; "HR分别为0.524（95%CI…）和0.478（95%CI…）" gives one measure per value."""
    out = []
    for m in _rules().rule("number.effect.v1").regex.finditer(text, start, end):
        raw = m.group("measure")
        try:
            v = float(m.group("val"))
        except ValueError:
            continue
        about = text[m.end("measure") : m.start("val")]
        before = _ABOUT_BEFORE.search(text, max(start, m.start() - 70), m.start())
        if before:
            about = (before.group(1) or before.group(2)) + " " + about
        code = measure_code(raw)
        out.append(Measure(m.start(), m.end(), code, v, about))
        per_arm = _FOR_ARM_AFTER.match(text, m.end(), end)
        if (
            re.search(r"分别", about)
            or re.search(r"respectively", text[m.end() : min(end, m.end() + 80)])
            or per_arm
        ):
            pos = m.end()
            while True:
                more = _MORE_MEASURE_VALUES.match(text, pos, end)
                if not more:
                    break
                out.append(Measure(more.start("val"), more.end("val"), code, float(more.group("val")), about))
                pos = more.end()
    # the same measure reported again in the sentence without its name: "The WMD of Hb … was 20.73
    # g/l (95% CI …) versus 10.42 g/l (95% CI …) in the PPI group"; "As for WMD of SF, …: 11.55 μg/l (95% CI …)"
    word = _MEASURE_WORD.search(text, start, end)
    if word is not None:
        code = measure_code(re.sub(r"s$", "", word.group(0)) if word.group(0) in ("HRs", "ORs", "RRs") else word.group(0))
        taken = [(m.start, m.end) for m in out]
        for v in _VALUE_WITH_CI.finditer(text, word.end(), end):
            vs, ve = v.span("val")
            if any(a <= vs < b for a, b in taken):
                continue
            out.append(Measure(vs, ve, code, float(v.group("val")), ""))
        out.sort(key=lambda m: m.start)
    return out


_MEASURE_WORD = re.compile(
    r"(?<![A-Za-z])(?:HR|OR|RR|WMD|SMD|MD)s?(?![A-Za-z])|hazard ratio|odds ratio|risk ratio|relative risk|"
    r"(?:weighted |standardi[sz]ed )?mean difference|风险比|比值比|相对危险度"
)


_VALUE_WITH_CI = re.compile(
    r"(?<![\d.])(?P<val>-?\d+\.\d+)\s*(?:[A-Za-zμ/]{1,6}\s*)?[(（\[]\s*\d{2}(?:\.\d+)?\s*%\s*(?:CI|置信区间|可信区间|confidence)"
)


def find_intervals(text: str, start: int, end: int) -> list[Interval]:
    out = []
    for m in _rules().rule("number.ci.v1").regex.finditer(text, start, end):
        try:
            lo, hi = float(m.group("lo")), float(m.group("hi"))
        except ValueError:
            continue
        if lo > hi:
            continue
        level = round(float(m.group("level")) / 100, 6) if m.group("level") else None
        if level is not None and not 0.5 <= level < 1:
            continue
        out.append(Interval(m.start(), m.end(), level, lo, hi))
    return out
