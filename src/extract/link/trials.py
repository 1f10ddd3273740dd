"""Trials: what the text says of each trial it mentions, and one ``trial`` record per trial.

For every mention, the sentence that carries it may give the trial's phase (a
parenthesis right after the name, "KEYNOTE-181（Ⅲ期）"; a phase word right before
it, "Ⅲ期随机试验KEYNOTE-590"; or, in a sentence about this trial alone, nearby),
its enrolment and its design words; each value is backed by its sentence as
evidence, and a study named only by its reference also by the reference entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..recognize.trials import TrialMention, find_design, find_enrolment, find_phases
from ..records import trial_key
from . import emit

if TYPE_CHECKING:
    from ..segment import Sentence
    from .context import DocContext

_BY_REFERENCE = ("trial.cited_unnamed.v1", "trial.own_protocol.v1")


@dataclass
class TrialSummary:
    """One trial as the document reports it (built while the context is)."""

    name: str
    lang: str
    rule_id: str
    aliases: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    phase: str | None = None
    n: int | None = None
    design: list[str] = field(default_factory=list)
    evidence: list[tuple[int, int]] = field(default_factory=list)  # (start, end) spans, in order


def trial_summaries(ctx: DocContext) -> dict[str, TrialSummary]:
    """Trial key → summary, in order of first mention."""
    out: dict[str, TrialSummary] = {}
    for m in ctx.mentions:
        sent = ctx.sentence_at(m.start)
        if sent is None:
            continue
        summary = out.setdefault(trial_key(m.name), TrialSummary(m.name, sent.lang, m.rule_id))
        if m.surface not in summary.aliases:
            summary.aliases.append(m.surface)
        summary.refs.extend(r for r in m.refs if r not in summary.refs)
        if _read_sentence(ctx, summary, m, sent) or not summary.evidence:
            summary.evidence.append((sent.start, sent.end))
        if m.rule_id in _BY_REFERENCE:
            for r in m.refs:
                ref = ctx.references.get(r)
                if ref is not None and all(s != ref.start for s, _ in summary.evidence):
                    summary.evidence.append((ref.start, ref.end))
    for summary in out.values():
        summary.aliases = sorted(set(summary.aliases))
    return out


def _read_sentence(ctx: DocContext, summary: TrialSummary, m: TrialMention, sent: Sentence) -> bool:
    """Take phase, enrolment and design from the mention's sentence; True if it gave any."""
    text, found = ctx.nd.text, False
    named = [
        x for x in ctx.mentions_in(sent.start, sent.end) if x.rule_id != "trial.cited_unnamed.v1"
    ]
    only_this = len({x.name for x in [*named, m]}) == 1
    for ps, pe, code in find_phases(text, sent.start, sent.end):
        if summary.phase is not None:
            break
        right_after, just_before = 0 <= ps - m.end <= 3, 0 <= m.start - pe <= 12
        if right_after or just_before or (only_this and abs(ps - m.end) < 60):
            summary.phase, found = code, True
    if summary.n is None and only_this:
        for _ns, _ne, n in find_enrolment(text, sent.lang, sent.start, sent.end)[:1]:
            summary.n, found = n, True
    if only_this:
        for _ds, _de, code in find_design(text, sent.start, sent.end):
            if code not in summary.design:
                summary.design.append(code)
                found = True
    return found


def trial_records(ctx: DocContext) -> list[dict]:
    """One ``trial`` record per distinct trial key, with evidence for every value and the
    registry ids linked to it (:func:`extract.link.registry.attach_registry_ids`)."""
    from .registry import attach_registry_ids

    records = [emit.trial(ctx.nd, s) for s in ctx.trials.values()]
    attach_registry_ids(ctx, records)
    return records
