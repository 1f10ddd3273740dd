"""Endpoint mentions: the bilingual lexicon of ``resources/endpoints.json``.

An endpoint mention carries its code (RECORDS.md vocabulary), the statistic its
words imply (中位/median/m- → median; 率/rate → rate), landmark timepoints
(1年、2年PFS率 → 12 and 24 months), and for adverse events the grade
(1~2级 → "1-2", 3级及以上 / grade ≥3 → ">=3") and the event in English.
Each code's kind (time or rate) is stated once, in the lexicon: :func:`endpoint_kind`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import RuleFileError
from ..rules import RuleFile, load_rules
from .numbers import unit_code


@dataclass(frozen=True)
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


class Endpoint(BaseModel):
    """One code of the lexicon ``endpoints``: its kind, and its forms per language."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["time", "rate"]
    landmark: bool = False  # also reported as a rate at a timepoint named after it
    zh: list[str]
    en: list[str]


@cache
def _rules() -> RuleFile:
    return load_rules("endpoints.json")


@cache
def _rx(rule_id: str) -> re.Pattern[str]:
    """A rule of ``resources/endpoints.json``, its lexicons filled in, compiled once."""
    return _rules().regex(rule_id)


@cache
def _endpoints() -> dict[str, Endpoint]:
    """The lexicon ``endpoints`` validated: an unknown kind or key names the code at fault."""
    try:
        return {
            code: Endpoint.model_validate(e) for code, e in _rules().lexicon("endpoints").items()
        }
    except ValidationError as e:
        first = e.errors()[0]
        raise RuleFileError(
            f"resources/endpoints.json: lexicons.endpoints: {first['loc']}: {first['msg']}"
        ) from e


def endpoint_kind(code: str) -> Literal["time", "rate"] | None:
    """ "time" for a duration endpoint (OS, PFS, DOR…), "rate" for a proportion (ORR, pCR, AE…).

    None for a code outside the vocabulary.
    """
    ep = _endpoints().get(code)
    return ep.kind if ep else None


@cache
def _forms(lang: str) -> dict[str, str]:
    """Lower-cased form → code; Chinese text also uses the English forms; the first code wins."""
    forms: dict[str, str] = {}
    for code, ep in _endpoints().items():
        for form in (ep.zh + ep.en) if lang == "zh" else ep.en:
            forms.setdefault(form.lower(), code)
    return forms


@cache
def mention_regex(lang: str) -> re.Pattern[str]:
    """The endpoint forms of ``lang`` as one pattern (rule ``endpoint.mention.v1``)."""
    return _rules().regex("endpoint.mention.v1", forms=_forms(lang))


def _months(t: str, unit: str) -> float:
    """A landmark in months: "2年" → 24, "two years" → 24, "6个月" → 6."""
    words = load_rules("numbers.json").lexicon("number_words")
    n = float(words.get(t.lower(), t)) if not t.replace(".", "").isdigit() else float(t)
    return n * 12 if unit_code(unit) == "year" else n


def find_trailing_landmarks(text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    """(start, end, months) of each landmark written right after the rates it dates: "98 vs 81%
    after 1 year" (English; Chinese names the landmark before: "1年生存率")."""
    out = []
    for m in _rx("endpoint.landmark_after_value_en.v1").finditer(text, start, end):
        try:
            out.append((m.start(), m.end(), _months(m.group("t"), m.group("tu"))))
        except ValueError:
            continue
    return out


def _grade_code(m: re.Match[str]) -> str:
    """A grade match as RECORDS.md writes it: "3", "1-2", ">=3" (3~5级 and 3级及以上 are ">=3")."""
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
def _event_names() -> dict[str, str]:
    return {k.lower(): v for k, v in _rules().lexicon("ae_events").items()}


def event_in(text: str) -> str | None:
    """The English event named in ``text`` ("急性食管炎" → esophagitis), or None."""
    m = _rx("endpoint.event.v1").search(text)
    return _event_names()[m.group(0).lower()] if m else None


def _response_abbreviations(
    text: str, start: int, end: int, found: list[EndpointMention]
) -> list[EndpointMention]:
    """Bare abbreviations that are responses only where they stand: before a value ("(CR, 4.4%;
    PR, 71.6%)", "RR of 61.7 %") or after a response verb ("4 patients (23.53%) achieved SD")."""
    out: list[EndpointMention] = []
    for rule in _rules().rules:
        if not rule.id.startswith("endpoint.response_abbrev"):
            continue
        for m in _rx(rule.id).finditer(text, start, end):
            s, e = m.span("code")
            if not any(x.start < e and s < x.end for x in (*found, *out)):
                out.append(EndpointMention(s, e, rule.value or m.group("code"), "rate", text[s:e]))
    return out


def _paired_statistics(
    text: str, start: int, found: list[EndpointMention]
) -> list[EndpointMention]:
    """ "mean and median overall survival": the endpoint twice, a mean and a median, so the values
    that follow are spread over the two as over any list of endpoints."""
    out = []
    for ep in found:
        if ep.stat not in ("median", "mean"):
            continue
        m = _rx("endpoint.paired_statistic_before.v1").search(
            text, max(start, ep.start - 12), ep.start
        )
        if m and m.group("stat").lower() != ep.stat:
            a, b = m.span("stat")
            out.append(EndpointMention(a, b, ep.code, m.group("stat").lower(), text[a:b]))
    return out


def find_endpoints(text: str, start: int, end: int, lang: str) -> list[EndpointMention]:
    """Endpoint mentions in ``text[start:end]`` (non-overlapping, in text order)."""
    forms = _forms(lang)
    out: list[EndpointMention] = []
    for m in mention_regex(lang).finditer(text, start, end):
        surface = m.group(0)
        code = forms.get(surface.lower()) or forms[surface.lower()[:-1]]  # plural "responses"
        s, stat = _stat(text, m, start)
        if code == "ORR" and _rx("endpoint.symptom_relief_before.v1").search(
            text, max(start, s - 6), s
        ):
            continue  # "黄疸缓解率为61.5%": the relief of a symptom, no tumour response
        if (
            code == "OS"
            and surface.lower().startswith("survival")
            and _rx("endpoint.unlisted_survival_before_en.v1").search(text, max(start, s - 12), s)
        ):
            continue  # "SRE-free survival": a kind of survival no endpoint of the vocabulary
        if _rx("endpoint.range_bound_before.v1").search(text, max(start, s - 20), s):
            continue  # "the longest survival was 67 months": one patient's, a bound of the range
        out.append(EndpointMention(s, m.end(), code, stat, text[s : m.end()]))
    out += _response_abbreviations(text, start, end, out)
    out += _paired_statistics(text, start, out)
    out.sort(key=lambda e: e.start)
    out = _attach_landmarks(text, start, end, lang, out)
    if lang == "en":
        out = _landmark_rates(text, start, end, out)
    out = _attach_grades(text, start, end, lang, out)
    return _merge_adjacent(text, out)


def _landmark_rates(
    text: str, start: int, end: int, eps: list[EndpointMention]
) -> list[EndpointMention]:
    """ "…, and the 5-year rates were …": a landmark rate of the landmark endpoint named before it."""
    out = list(eps)
    for m in _rx("endpoint.landmark_rates_en.v1").finditer(text, start, end):
        before = [
            ep
            for ep in out
            if ep.end <= m.start() and (x := _endpoints().get(ep.code)) is not None and x.landmark
        ]
        if not before or any(ep.start < m.end() and m.start() < ep.end for ep in out):
            continue
        try:
            months = _months(m.group("t"), m.group("tu"))
        except ValueError:
            continue
        ep = before[-1]
        out.append(
            EndpointMention(
                m.start("w"),
                m.end("w"),
                ep.code,
                "rate",
                m.group("w"),
                [months],
                landmark_spans=[(m.start(), m.end("tu"))],
            )
        )
    return sorted(out, key=lambda e: e.start)


def _stat(text: str, m: re.Match[str], start: int) -> tuple[int, str | None]:
    """(start of the mention, statistic) the words of endpoint match ``m`` imply.

    A median word before the form ("median PFS") or in it ("中位总生存期", "mOS")
    makes a median, and a median word before it joins the mention; a mean word
    before it a mean; a rate form or a rate word after it ("OS rate", "PFS率") a rate.
    """
    surface = m.group(0)
    before = text[max(start, m.start() - 6) : m.start()]
    median_before = _rx("endpoint.median_before.v1").search(before)
    if (
        median_before
        or _rx("endpoint.median_form.v1").match(surface)
        or _rx("endpoint.m_prefix.v1").match(surface)
    ):
        s = m.start() - (len(before) - median_before.start()) if median_before else m.start()
        return s, "median"
    if _rx("endpoint.mean_before.v1").search(before):
        return m.start(), "mean"
    if _rx("endpoint.rate_form.v1").search(surface) or _rx("endpoint.rate_after.v1").match(
        text[m.end() : m.end() + 6]
    ):
        return m.start(), "rate"
    return m.start(), None


def _landmarks(
    text: str, start: int, end: int, lang: str
) -> list[tuple[int, int, float, bool, int]]:
    """(start, end, months, named after the endpoint, end of the landmark that closes its list)
    of each landmark timepoint: a timepoint listed before another qualifies what that one does."""
    rule = "endpoint.landmark_zh.v1" if lang == "zh" else "endpoint.landmark_en.v1"
    spans = []
    for m in _rx(rule).finditer(text, start, end):
        gd = m.groupdict()
        t = gd.get("t") or gd.get("t2") or gd.get("t3")
        tu = gd.get("tu") or gd.get("tu2") or gd.get("tu3")
        if not t or not tu:
            continue
        try:
            months = _months(t, tu)
        except ValueError:
            continue
        after_form = bool(gd.get("t2") or gd.get("t3"))
        if not after_form:
            listed = _listed_before(text, start, m.start(), tu)
            spans.extend((a, b, t, False, m.end()) for a, b, t in listed)
        spans.append((m.start(), m.end(), months, after_form, m.end()))
    return spans


def _listed_before(text: str, start: int, pos: int, unit: str) -> list[tuple[int, int, float]]:
    """Timepoints listed right before a landmark: bare ones share its unit ("1、3、5年",
    "1- and 5-year"), others carry their own ("1-year, 2-year, and 3-year DFS")."""
    lst = _rx("endpoint.landmark_list_before.v1").search(text, max(start, pos - 40), pos)
    if lst is None:
        return []
    out = []
    for n in _rx("endpoint.landmark_list_number.v1").finditer(text, lst.start(), lst.end()):
        try:
            months = _months(n.group("t"), n.group("tu") or unit)
            out.append((n.start(), n.end(), months))
        except ValueError:
            continue
    return out


def _attach_landmarks(
    text: str, start: int, end: int, lang: str, eps: list[EndpointMention]
) -> list[EndpointMention]:
    """Each landmark makes the endpoints it qualifies rates at that timepoint."""
    eps = list(eps)
    for s, e, months, after_form, list_end in _landmarks(text, start, end, lang):
        # "the median 4-month progression free survival was 99 and 98 days" (PMC3405220): a
        # median before the landmark keeps the endpoint a time, at no timepoint
        median = lang == "en" and _rx("endpoint.median_before.v1").search(
            text, max(start, s - 8), s
        )
        for i in _landmark_targets(text, eps, s, list_end, after_form):
            ep = eps[i]
            eps[i] = replace(
                ep,
                stat="median" if median else "rate",
                timepoints=ep.timepoints if median else [*ep.timepoints, months],
                landmark_spans=[*ep.landmark_spans, (s, e)],
            )
    return eps


def _landmark_targets(
    text: str, eps: list[EndpointMention], s: int, e: int, after_form: bool
) -> list[int]:
    """Indices in ``eps`` of the endpoints the landmark at ``text[s:e]`` qualifies.

    "OS rate at 24 months": the landmark endpoint just before; otherwise ("At 5 years,
    overall survival was …", "2年OS率及DFS率", "1年、2年PFS率") the endpoint(s) just after,
    several when only 及/和/、 stand between them.
    """
    if after_form:
        before = [
            i
            for i, ep in enumerate(eps)
            if ep.end <= s
            and s - ep.end <= 14
            and (x := _endpoints().get(ep.code)) is not None
            and x.landmark
        ]
        if before:
            return [before[-1]]
    following = [
        i
        for i, ep in enumerate(eps)
        if ep.start >= e
        and not ep.grade
        and (
            ep.start - e <= 14
            or _rx("endpoint.landmark_rates_of.v1").fullmatch(text, e, ep.start) is not None
        )
    ]
    if not following:
        return []
    targets = [following[0]]
    for i in following[1:]:
        if not _rx("endpoint.landmark_list_gap.v1").search(
            text[eps[targets[-1]].end : eps[i].start]
        ):
            break
        targets.append(i)
    return targets


def _attach_grades(
    text: str, start: int, end: int, lang: str, eps: list[EndpointMention]
) -> list[EndpointMention]:
    """Graded adverse events replace the AE words they contain; AE mentions get their event.

    "3级及以上治疗相关不良事件" is one AE mention with grade ">=3" and event
    "treatment-related"; an event word with 发生率 but no AE word ("急性食管炎发生率")
    is an AE mention too.
    """
    eps = list(eps)
    rule = "endpoint.grade_zh.v1" if lang == "zh" else "endpoint.grade_en.v1"
    for m in _rx(rule).finditer(text, start, end):
        tail = _rx("endpoint.ae_tail.v1").match(text, m.end(), min(end, m.end() + 40)) or _rx(
            "endpoint.graded_event.v1"
        ).match(text, m.end(), min(end, m.end() + 40))  # "Grade 3 neutropenia occurred in 12%"
        if not tail:
            continue
        span_end = tail.end()
        eps = [ep for ep in eps if not (m.start() <= ep.start and ep.end <= span_end + 2)]
        eps.append(
            EndpointMention(
                m.start(),
                span_end,
                "AE",
                "rate",
                text[m.start() : span_end],
                grade=_grade_code(m),
                event=event_in(text[m.end() : span_end]),
            )
        )
    eps = [
        replace(ep, event=event_in(text[max(start, ep.start - 12) : ep.end]))
        if ep.code == "AE" and ep.event is None
        else ep
        for ep in eps
    ]
    eps.extend(_event_mentions(text, start, end, eps, lang))
    eps.sort(key=lambda e: e.start)
    return eps


def _event_mentions(
    text: str, start: int, end: int, eps: list[EndpointMention], lang: str
) -> list[EndpointMention]:
    """Event words that are AE mentions of their own: with a rate word ("急性食管炎发生率"), or
    followed by their values in a sentence about adverse events ("toxicities were: asthenia
    (9.1% …), anorexia (6.8 vs 9.5%)"), or named with a verb of occurring ("Diarrhoea was
    prevalent in …", "12例(36.4%)患者出现了胸痛")."""
    out: list[EndpointMention] = []
    about_ae: bool | None = None  # is the sentence about adverse events? (looked up when needed)
    for m in _rx("endpoint.event.v1").finditer(text, start, end):
        if any(ep.start <= m.start() < ep.end for ep in eps):
            continue
        event = _event_names()[m.group(0).lower()]
        rate = _rx("endpoint.event_rate_after.v1").match(text, m.end(), m.end() + 8)
        if rate:
            out.append(
                EndpointMention(
                    m.start(), rate.end(), "AE", "rate", text[m.start() : rate.end()], event=event
                )
            )
            continue
        if _rx("endpoint.event_verb_after.v1").match(text, m.end(), end) or _rx(
            "endpoint.event_verb_before.v1"
        ).search(text, max(start, m.start() - 20), m.start()):
            # "Diarrhoea was prevalent in the TEGAFIRI arm (16%) vs TEGAFOX (4%)"
            out.append(EndpointMention(m.start(), m.end(), "AE", "rate", m.group(0), event=event))
            continue
        if not _rx("endpoint.event_value_after.v1").match(text, m.end(), end):
            continue
        if about_ae is None:
            about_ae = _rx("endpoint.ae_context.v1").search(text, start, end) is not None
        if about_ae:
            out.append(EndpointMention(m.start(), m.end(), "AE", "rate", m.group(0), event=event))
    if lang != "en":
        return out
    return out + _unlisted_events(text, start, end, [*eps, *out], about_ae)


def _unlisted_events(
    text: str, start: int, end: int, known: list[EndpointMention], about_ae: bool | None
) -> list[EndpointMention]:
    """List members of an English sentence about adverse events that the lexicon does not know,
    followed by their values ("…, and mild pneumothorax (2 of 17 patients, 11.76%)"): events of
    their own, named as written, not the known event before them."""
    hits = list(_rx("endpoint.unlisted_event_en.v1").finditer(text, start, end))
    if not hits:
        return []
    if about_ae is None:
        about_ae = _rx("endpoint.ae_context.v1").search(text, start, end) is not None
    if not about_ae:
        return []
    out = []
    for m in hits:
        a, b = m.span("event")
        if any(ep.start < b and a < ep.end for ep in known):
            continue
        out.append(EndpointMention(a, b, "AE", "rate", m.group("event"), event=m.group("event")))
    return out


def _merge_adjacent(text: str, eps: list[EndpointMention]) -> list[EndpointMention]:
    """ "中位无进展生存期(mPFS)" is one mention: same code, only brackets between."""
    out: list[EndpointMention] = []
    for ep in sorted(eps, key=lambda e: e.start):
        if out:
            prev = out[-1]
            gap = text[prev.end : ep.start]
            if (
                prev.code == ep.code
                and _rx("endpoint.open_bracket_gap.v1").search(gap)
                and not ep.timepoints
            ):
                close = _rx("endpoint.close_bracket.v1").match(text[ep.end : ep.end + 3])
                new_end = ep.end + (close.end() if close else 0)
                out[-1] = replace(
                    prev, end=new_end, surface=text[prev.start : new_end], stat=prev.stat or ep.stat
                )
                continue
            if ep.start < prev.end:  # overlapping (a graded AE span containing a lexicon word)
                if ep.end - ep.start > prev.end - prev.start:
                    out[-1] = ep
                continue
        out.append(ep)
    return out
