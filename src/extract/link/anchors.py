"""Study anchors: which study a value or an effect belongs to.

An anchor is a named trial mention, or a citation marker of a study the text
introduces without naming it ("一项回顾性分析^[28]", "Zhao等^[29]"); a value
belongs to the nearest anchor before it in its sentence, else in its paragraph —
unless the sentence that carries that anchor names several studies. A paragraph
without a study of its own that opens as a continuation ("In the final analysis,
…", "更新分析显示…") continues the study the paragraph before ended on; results a
primary report gives without citing are its own trial's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from ..records import trial_key
from ..rules import alternation, load_rules
from ..segment import Paragraph
from .context import DocContext
from .rules import rx


class Span(Protocol):
    """A sentence, or what recognition found in one: anything with ``start`` and ``end``."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    trial: str | None
    refs: tuple[str, ...]
    analysis: bool = False  # "更新分析^[9]", "the subsequent overall survival analysis^[7]"


def find_anchors(ctx: DocContext) -> list[Anchor]:
    """Every anchor of the document, by end offset."""
    text = ctx.nd.text
    refs_by_key: dict[str | None, list[str]] = {}
    for m in ctx.mentions:
        known = refs_by_key.setdefault(trial_key(m.name), [])
        known.extend(r for r in m.refs if r not in known)
    out = [
        Anchor(m.start, m.end, m.name, tuple(refs_by_key[trial_key(m.name)])) for m in ctx.mentions
    ]
    for c in ctx.nd.citations:
        if c.offset >= ctx.body_end or any(
            m.start <= c.offset <= m.end + 16 and set(c.refs) <= set(m.refs) for m in ctx.mentions
        ):
            continue  # the marker of a named trial ("CASPIAN trial^[3]"), not another study
        if not rx("link.study_before_citation.v1").search(text[max(0, c.offset - 16) : c.offset]):
            continue
        trial = ctx.ref_trial.get(c.refs[0]) if len(c.refs) == 1 else None
        later_report = bool(
            rx("link.later_report.v1").search(text, max(0, c.offset - 60), c.offset)
        )
        out.append(Anchor(c.offset, c.offset, trial, c.refs, later_report))
    out.sort(key=lambda a: a.end)
    return out


def anchor_before(
    anchors: list[Anchor], para: Paragraph, pos: int, sent: Span, ctx: DocContext | None = None
) -> Anchor | None:
    """The study of a value at ``pos`` of sentence ``sent``."""
    a = _nearest(anchors, para, pos, sent, ctx)
    if a is None and ctx is not None and ctx.own_trial is not None:
        own = ctx.own_trial
        return Anchor(own.start, own.end, own.name, own.refs)
    if a is not None and a.trial is None and a.analysis:
        # an analysis or update cited on its own reports on the trial being discussed
        named = [x for x in anchors if para.start <= x.start and x.end <= a.start and x.trial]
        if named:
            return Anchor(
                a.start, a.end, named[-1].trial, tuple(dict.fromkeys(named[-1].refs + a.refs))
            )
    return a


def anchor_of_group(
    anchors: list[Anchor], para: Paragraph, pos: int, sent: Span, ctx: DocContext
) -> Anchor | None:
    """A value group's study; without one before it, the only study its sentence names after it."""
    a = anchor_before(anchors, para, pos, sent, ctx)
    if a is None:
        later = [x for x in anchors if sent.start <= x.start and x.end <= sent.end]
        if len(later) == 1:
            return later[0]
    return a


def _nearest(
    anchors: list[Anchor], para: Paragraph, pos: int, sent: Span, ctx: DocContext | None
) -> Anchor | None:
    in_sentence = [a for a in anchors if sent.start <= a.start and a.end <= pos]
    if in_sentence:
        return in_sentence[-1]
    earlier = [a for a in anchors if para.start <= a.start and a.end <= sent.start]
    if not earlier:
        if ctx is None or any(para.start <= a.start < para.end for a in anchors):
            return None
        return _continued(anchors, para, ctx)
    return _single_subject(earlier[-1], earlier, para)


def _single_subject(last: Anchor, earlier: list[Anchor], para: Paragraph) -> Anchor | None:
    """``last``, unless the sentence that carries it names several studies (a list of trials is
    not the subject of what follows)."""
    carrier = next((x for x in para.sentences if x.start <= last.start < x.end + 1), None)
    if carrier is not None:
        in_carrier = [a for a in earlier if carrier.start <= a.start < carrier.end + 1]
        if len({trial_key(a.trial) if a.trial else a.refs for a in in_carrier}) > 1:
            return None
    return last


@cache
def _continuation() -> re.Pattern[str]:
    return re.compile(
        alternation(load_rules("trials.json").lexicon("continuation_cues")), re.IGNORECASE
    )


def _continued(anchors: list[Anchor], para: Paragraph, ctx: DocContext) -> Anchor | None:
    idx = next((i for i, p in enumerate(ctx.paragraphs) if p.start == para.start), None)
    if not idx or not para.sentences:
        return None
    first = para.sentences[0]
    opener = ctx.nd.text[first.start : min(first.end, first.start + 80)]
    if not (_continuation().search(opener) or rx("link.continuation_opener.v1").match(opener)):
        return None
    prev = ctx.paragraphs[idx - 1]
    earlier = [a for a in anchors if prev.start <= a.start and a.end <= prev.end]
    if not earlier:
        return None
    return _single_subject(earlier[-1], earlier, prev)
