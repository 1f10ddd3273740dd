"""One entry point for recognition: everything a sentence mentions, as frozen spans.

:func:`recognize` runs every recognizer of this package over one sentence (or any
span) of a document's normalized text and returns a :class:`SentenceSpans`: effect
measures, intervals, P values, endpoint mentions (with landmarks and grades), arm
phrases, subgroup frames, the trial mentions the document context found in the
span, and — last, on the text the others left free — values with units. The
pipeline's linking and curation's *Add record from selection* both start here.

Numbers are taken with regex on the text itself (a tokenizer would split
``23.4%`` unpredictably, and nothing downstream reads tokens); offsets are those of
the whole text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .arms import ArmMention, SubgroupMention, find_arms, find_subgroups
from .endpoints import EndpointMention, find_endpoints, find_trailing_landmarks
from .numbers import (
    Interval,
    Measure,
    PValue,
    Value,
    find_intervals,
    find_measures,
    find_p_values,
    find_values,
    not_result_spans,
)
from .trials import TrialMention


@dataclass(frozen=True)
class SentenceSpans:
    """What one span of text mentions; every item's offsets are in the whole text."""

    start: int
    end: int
    lang: str
    values: tuple[Value, ...]
    measures: tuple[Measure, ...]
    intervals: tuple[Interval, ...]
    p_values: tuple[PValue, ...]
    endpoints: tuple[EndpointMention, ...]
    arms: tuple[ArmMention, ...]
    subgroups: tuple[SubgroupMention, ...]
    trials: tuple[TrialMention, ...] = ()
    # landmarks written after the rates they date ("86 vs 73% after 5 years"): (start, end, months)
    landmarks_after: tuple[tuple[int, int, float], ...] = ()


def recognize(
    text: str, start: int, end: int, lang: str, trials: Iterable[TrialMention] = ()
) -> SentenceSpans:
    """Recognize ``text[start:end]`` (a sentence, or a curator's selection with its sentence).

    ``trials`` are the document's trial mentions inside the span (the document context finds
    them, with their citations); their names are not read as values.
    """
    sub, n = text[start:end], end - start
    measures = _shifted(find_measures(sub, 0, n), start)
    intervals = _shifted(find_intervals(sub, 0, n), start)
    p_values = _shifted(find_p_values(sub, 0, n), start)
    endpoints = _shifted(find_endpoints(sub, 0, n, lang), start)
    trials = tuple(trials)
    blocked = [(x.start, x.end) for x in (*measures, *intervals, *p_values)]
    for ep in endpoints:
        blocked.extend(ep.landmark_spans)
        if ep.grade is not None:
            blocked.append((ep.start, ep.end))
    blocked.extend((m.start, m.end) for m in trials)
    trailing = tuple((a + start, b + start, t) for a, b, t in find_trailing_landmarks(sub, 0, n))
    blocked.extend((a, b) for a, b, _ in trailing)
    blocked.extend(not_result_spans(text, start, end, lang))
    values = tuple(find_values(text, start, end, blocked))
    return SentenceSpans(
        start,
        end,
        lang,
        values,
        measures,
        intervals,
        p_values,
        endpoints,
        _shifted(find_arms(sub, 0, n), start),
        _shifted(find_subgroups(sub, 0, n, lang), start),
        trials,
        trailing,
    )


def _shifted(found: Iterable[Any], offset: int) -> tuple[Any, ...]:
    return tuple(_shift(item, offset) for item in found)


def _shift(item: Any, offset: int) -> Any:
    if offset == 0:
        return item
    changes: dict[str, Any] = {"start": item.start + offset, "end": item.end + offset}
    if hasattr(item, "landmark_spans"):
        changes["landmark_spans"] = [(a + offset, b + offset) for a, b in item.landmark_spans]
    return replace(item, **changes)
