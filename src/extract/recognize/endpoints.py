"""Endpoint mentions: the bilingual lexicon of ``resources/endpoints.json``.

An endpoint mention carries its code (RECORDS.md vocabulary), the statistic its
words imply (中位/median/m- → median; 率/rate → rate), landmark timepoints
(1年、2年PFS率 → 12 and 24 months), and for adverse events the grade
(1~2级 → "1-2", 3级及以上 / grade ≥3 → ">=3") and the event in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ..rules import RuleFile, load_rules


@dataclass
class EndpointMention:
    start: int
    end: int
    code: str
    stat: str | None  # median | rate | mean | None (decided by the value's unit)
    surface: str
    timepoints: list[float] = field(default_factory=list)  # months
    grade: str | None = None
    event: str | None = None
    landmark_spans: list[tuple[int, int]] = field(default_factory=list)


@cache
def _rules() -> RuleFile:
    return load_rules("endpoints.json")


@cache
def _lexicon_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    forms: dict[str, str] = {}
    for code, by_lang in _rules().lexicon("endpoints").items():
        for form in by_lang.get(lang, []) + (by_lang.get("en", []) if lang == "zh" else []):
            forms.setdefault(form.lower(), code)
    alts = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(a) for a in alts)
    # Latin forms need word edges; "mPFS" is its own form, so "PFS" inside it is not matched twice
    pat = re.compile(rf"(?<![A-Za-z])(?:{body})(?:(?<=[a-z])s)?(?![A-Za-z])", re.IGNORECASE)
    return pat, forms


_MEDIAN = re.compile(r"(?:中位|median|med\.)\s*$", re.IGNORECASE)
_MEAN = re.compile(r"(?:平均|mean|average)\s*$", re.IGNORECASE)
_RATE_AFTER = re.compile(r"^\s*(?:率|rates?\b|的比例|比例|发生率|incidence)", re.IGNORECASE)

_NUM_WORDS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "半": 0.5, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}


def _months(t: str, unit: str) -> float:
    n = float(_NUM_WORDS.get(t.lower(), t)) if not t.replace(".", "").isdigit() else float(t)
    return n * 12 if unit.lower().startswith(("年", "y")) else n


def _grade_code(m: re.Match[str]) -> str:
    g = m.groupdict()
    if g.get("ge"):
        return f">={g['ge']}"
    if g.get("lo") and g.get("hi"):
        lo, hi = int(g["lo"]), int(g["hi"])
        if hi == 5 and lo >= 3:
            return f">={lo}"
        return f"{lo}-{hi}"
    if g.get("one"):
        return f">={g['one']}" if g.get("plus") else g["one"]
    return m.group(0)


@cache
def _events() -> tuple[re.Pattern[str], dict[str, str]]:
    ev = _rules().lexicon("ae_events")
    alts = sorted(ev, key=len, reverse=True)
    return re.compile("|".join(re.escape(a) for a in alts), re.IGNORECASE), {k.lower(): v for k, v in ev.items()}


def event_in(text: str) -> str | None:
    pat, table = _events()
    m = pat.search(text)
    return table[m.group(0).lower()] if m else None


_AE_TAIL = re.compile(
    r"[\s的]*(?P<words>[\u4e00-\u9fffA-Za-z\- ]{0,24}?)"
    r"(?:发生率|的发生率|不良事件|不良反应|毒性|adverse events?|toxicit(?:y|ies)|AEs?\b|TRAEs?\b)",
    re.IGNORECASE,
)


def find_endpoints(text: str, start: int, end: int, lang: str) -> list[EndpointMention]:
    """Endpoint mentions in ``text[start:end]`` (non-overlapping, in text order)."""
    pat, forms = _lexicon_pattern(lang)
    out: list[EndpointMention] = []
    for m in pat.finditer(text, start, end):
        surface = m.group(0)
        code = forms.get(surface.lower()) or forms[surface.lower()[:-1]]  # plural "responses"
        before = text[max(start, m.start() - 6) : m.start()]
        stat: str | None = None
        if (
            _MEDIAN.search(before)
            or "中位" in surface
            or surface.lower().startswith("median")
            or (surface[:1] == "m" and surface[1:2].isupper())  # mOS, mPFS
        ):
            stat = "median"
        elif _MEAN.search(before):
            stat = "mean"
        elif surface.endswith(("率", "rate")) or _RATE_AFTER.match(text[m.end() : m.end() + 6]):
            stat = "rate"
        s = m.start()
        mm = _MEDIAN.search(before)
        if mm and stat == "median":
            s = m.start() - (len(before) - mm.start())
        out.append(EndpointMention(s, m.end(), code, stat, text[s : m.end()]))
    _attach_landmarks(text, start, end, lang, out)
    _attach_grades(text, start, end, lang, out)
    return _merge_adjacent(text, out)


def _attach_landmarks(text: str, start: int, end: int, lang: str, eps: list[EndpointMention]) -> None:
    rule = _rules().rule("endpoint.landmark_zh.v1" if lang == "zh" else "endpoint.landmark_en.v1")
    spans = []
    for m in rule.regex.finditer(text, start, end):
        gd = m.groupdict()
        t = gd.get("t") or gd.get("t2") or gd.get("t3")
        tu = gd.get("tu") or gd.get("tu2") or gd.get("tu3")
        if not t or not tu:
            continue
        try:
            spans.append((m.start(), m.end(), _months(t, tu), bool(gd.get("t2") or gd.get("t3"))))
        except ValueError:
            continue
    for s, e, months, after_form in spans:
        if after_form:  # "OS rate at 24 months": the endpoint stands before
            cands = [ep for ep in eps if ep.end <= s and s - ep.end <= 14 and ep.code in ("OS", "PFS", "DFS", "EFS", "RFS", "LC")]
            if cands:
                cands[-1].timepoints.append(months)
                cands[-1].stat = "rate"
                cands[-1].landmark_spans.append((s, e))
                continue
            # "At 5 years, overall survival was …": the endpoint follows
        # the endpoint(s) after the timepoint: "2年OS率及DFS率", "1年、2年PFS率"
        following = [ep for ep in eps if ep.start >= e and ep.start - e <= 14 and not ep.grade]
        if not following:
            continue
        first = following[0]
        targets = [first]
        for ep in following[1:]:
            gap = text[targets[-1].end : ep.start]
            if re.fullmatch(r"\s*(?:率)?\s*(?:及|和|与|、|,|，|and|or)\s*", gap):
                targets.append(ep)
            else:
                break
        for ep in targets:
            ep.timepoints.append(months)
            ep.stat = "rate"
            ep.landmark_spans.append((s, e))


def _attach_grades(text: str, start: int, end: int, lang: str, eps: list[EndpointMention]) -> None:
    rule = _rules().rule("endpoint.grade_zh.v1" if lang == "zh" else "endpoint.grade_en.v1")
    for m in rule.regex.finditer(text, start, end):
        grade = _grade_code(m)
        tail = _AE_TAIL.match(text, m.end(), min(end, m.end() + 40))
        if not tail:
            continue
        span_end = tail.end()
        words = text[m.end() : span_end]
        event = event_in(words)
        # replace AE mentions inside this span by one mention with grade and event
        inside = [ep for ep in eps if m.start() <= ep.start and ep.end <= span_end + 2]
        for ep in inside:
            eps.remove(ep)
        eps.append(EndpointMention(m.start(), span_end, "AE", "rate", text[m.start() : span_end],
                                   grade=grade, event=event))
    # AE mentions without a grade still get their event: "治疗相关不良事件", "急性食管炎发生率"
    for ep in eps:
        if ep.code == "AE" and ep.event is None:
            ep.event = event_in(text[max(start, ep.start - 12) : ep.end])
    # an event word with 发生率 but no AE word: "急性食管炎发生率"
    pat, table = _events()
    for m in pat.finditer(text, start, end):
        if any(ep.start <= m.start() < ep.end for ep in eps):
            continue
        if re.match(r"^\s*(?:的)?(?:发生率|incidence|rate)", text[m.end() : m.end() + 8], re.IGNORECASE):
            tail_end = m.end() + re.match(r"^\s*(?:的)?(?:发生率|incidence|rate)", text[m.end() :], re.IGNORECASE).end()
            eps.append(EndpointMention(m.start(), tail_end, "AE", "rate", text[m.start() : tail_end],
                                       event=table[m.group(0).lower()]))
    eps.sort(key=lambda e: e.start)


def _merge_adjacent(text: str, eps: list[EndpointMention]) -> list[EndpointMention]:
    """"中位无进展生存期(mPFS)" is one mention: same code, only brackets between."""
    out: list[EndpointMention] = []
    for ep in sorted(eps, key=lambda e: e.start):
        if out:
            prev = out[-1]
            gap = text[prev.end : ep.start]
            if prev.code == ep.code and re.fullmatch(r"\s*[(（\[]\s*", gap) and not ep.timepoints:
                close = re.match(r"\s*[)）\]]", text[ep.end : ep.end + 3])
                prev.end = ep.end + (close.end() if close else 0)
                prev.surface = text[prev.start : prev.end]
                prev.stat = prev.stat or ep.stat
                continue
            if ep.start < prev.end:  # overlapping (a graded AE span containing a lexicon word)
                if ep.end - ep.start > prev.end - prev.start:
                    out[-1] = ep
                continue
        out.append(ep)
    return out
