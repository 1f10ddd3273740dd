"""Linking: recognized spans → trial records, and the context results are linked to.

``build_context`` gathers, for one document, the trial mentions (named in the
text, or named only by the reference title a citation marker points to) and the
citation markers; ``trial_records`` turns the mentions into one ``trial`` record
per trial with its aliases, phase, enrolment, design and citation numbers, each
value backed by an evidence sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import NormalizedDocument
from .recognize.registry import attach_registry_ids
from .recognize.trials import (
    TrialMention,
    find_design,
    find_enrolment,
    find_phases,
    find_trial_mentions,
    names_in_reference_title,
)
from .records import canonical_trial_name, trial_key
from .refs import Reference
from .segment import Paragraph, Sentence

_STUDY_NOUN_BEFORE = re.compile(
    r"(?:研究|试验|分析|临床试验|\b(?:study|trial|analysis|studies|trials|cohort))\s*$", re.IGNORECASE
)
# an unnamed study introduced earlier in the sentence: "一项日本的研究", "A Chinese phase 3 trial of …"
_INDEFINITE_STUDY = re.compile(
    r"(?:一项|另一项|另一个|一个)[^。；]{0,40}?(?:研究|试验|分析)"
    r"|\b(?:[Aa]n?|[Aa]nother|[Oo]ne)\b[^.;:]{0,80}?\b(?:trial|study|analysis)\b"
)


@dataclass
class DocContext:
    """What linking knows about one document."""

    nd: NormalizedDocument
    paragraphs: list[Paragraph]
    references: dict[str, Reference]
    body_end: int
    mentions: list[TrialMention] = field(default_factory=list)
    ref_trial: dict[str, str] = field(default_factory=dict)  # ref number → canonical trial name
    ref_surface: dict[str, str] = field(default_factory=dict)  # ref number → name as the title writes it
    designs: dict[str, list[str]] = field(default_factory=dict)  # trial key → design words found
    own_trial: TrialMention | None = None  # a primary report's own trial, named by its protocol
    meta_analysis: bool = False  # pooled estimates per stratum are subgroup results

    def citations_in(self, start: int, end: int) -> list[tuple[int, tuple[str, ...]]]:
        return [(c.offset, c.refs) for c in self.nd.citations if start <= c.offset <= end]

    def sentence_at(self, offset: int) -> Sentence | None:
        for p in self.paragraphs:
            if p.start <= offset < p.end or offset == p.end:
                for s in p.sentences:
                    if s.start <= offset <= s.end:
                        return s
        return None

    def mentions_in(self, start: int, end: int) -> list[TrialMention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


_META_ANALYSIS = re.compile(r"meta-?analys[ie]s|荟萃分析|meta分析", re.IGNORECASE)
_PROTOCOL = re.compile(r"protocol|研究方案|试验方案", re.IGNORECASE)
_AFTER_NAME = re.compile(r"\s*(?:[(（][^()（）]{0,16}[)）])?\s*(?:研究|试验|trial|study)?", re.IGNORECASE)


def _refs_after(nd: NormalizedDocument, pos: int, text: str) -> tuple[str, ...]:
    """Citation numbers of a marker that stood at ``pos`` (allowing spaces/closing brackets)."""
    for c in nd.citations:
        if pos <= c.offset <= pos + 2 and not text[pos : c.offset].strip(" )）"):
            return c.refs
    return ()


def build_context(
    nd: NormalizedDocument, paragraphs: list[Paragraph], references: dict[str, Reference], body_end: int
) -> DocContext:
    ctx = DocContext(nd, paragraphs, references, body_end)
    text = nd.text
    ctx.meta_analysis = bool(_META_ANALYSIS.search(text, 0, min(len(text), 4000)))
    for num, ref in references.items():
        names = names_in_reference_title(ref.title)
        if names:
            ctx.ref_trial[num] = canonical_trial_name(names[0])
            ctx.ref_surface[num] = names[0]
    cite_ends = {c.offset for c in nd.citations}
    ref_keys = {trial_key(n) for n in ctx.ref_trial.values()}
    found = find_trial_mentions(text, cite_ends, ref_keys, 0, body_end)
    mentions: list[TrialMention] = []
    for m in found:
        # "KEYNOTE-590^[9]", "PALACE-1研究^[16]", "KEYNOTE-181（Ⅲ期）^[3]": the marker may follow
        # a phase parenthesis and the cue word
        tail = _AFTER_NAME.match(text, m.end)
        refs = _refs_after(nd, m.end, text) or (_refs_after(nd, tail.end(), text) if tail else ())
        mentions.append(TrialMention(m.start, m.end, m.surface, m.name, m.rule_id, refs))
    # a study the text does not name, whose reference title does: "一项日本的研究^[7]"
    named_spans = [(m.start, m.end) for m in mentions]
    for c in nd.citations:
        if c.offset >= body_end or len(c.refs) != 1 or c.refs[0] not in ctx.ref_trial:
            continue
        sent = ctx.sentence_at(c.offset)
        seg_start = sent.start if sent is not None else max(0, c.offset - 120)
        direct = _STUDY_NOUN_BEFORE.search(text, max(seg_start, c.offset - 12), c.offset)
        indefinite = list(_INDEFINITE_STUDY.finditer(text, seg_start, c.offset))
        if direct is None and not indefinite:
            continue
        start = direct.start() if direct is not None else indefinite[-1].start()
        if indefinite and direct is not None:
            start = min(start, indefinite[-1].start()) if c.offset - indefinite[-1].start() < 60 else start
        if any(start <= a and b <= c.offset + 4 for a, b in named_spans):
            continue  # the study is named between its introduction and the marker
        if any(a <= c.offset <= b + 4 for a, b in named_spans):
            continue
        name = ctx.ref_trial[c.refs[0]]
        mentions.append(TrialMention(start, c.offset, ctx.ref_surface[c.refs[0]], name,
                                     "trial.cited_unnamed.v1", c.refs))
    # a primary report cites its own protocol: "as described in the study protocol^[15]", where
    # reference 15 is "… (LEAP) trial: study protocol …" — the document reports that trial
    for c in nd.citations:
        if c.offset >= body_end or len(c.refs) != 1 or c.refs[0] not in ctx.ref_trial:
            continue
        if _PROTOCOL.search(text, max(0, c.offset - 40), c.offset) and _PROTOCOL.search(
            ctx.references[c.refs[0]].title
        ):
            own = TrialMention(c.offset, c.offset, ctx.ref_surface[c.refs[0]], ctx.ref_trial[c.refs[0]],
                               "trial.own_protocol.v1", c.refs)
            ctx.own_trial = own
            mentions.append(own)
            break
    ctx.mentions = _refs_from_sentence(ctx, sorted(mentions, key=lambda m: m.start))
    return ctx


def _refs_from_sentence(ctx: DocContext, mentions: list[TrialMention]) -> list[TrialMention]:
    """"KEYNOTE-522 enrolled 1174 patients …^[2]": a sentence about one trial whose only marker
    stands elsewhere in it cites that trial."""
    out = []
    for m in mentions:
        if not m.refs:
            sent = ctx.sentence_at(m.start)
            if sent is not None:
                names = {trial_key(x.name) for x in mentions if sent.start <= x.start < sent.end}
                cites = [c for c in ctx.nd.citations if sent.start <= c.offset <= sent.end]
                if len(names) == 1 and len(cites) == 1:
                    m = TrialMention(m.start, m.end, m.surface, m.name, m.rule_id, cites[0].refs)
        out.append(m)
    return out


def _evidence(nd: NormalizedDocument, start: int, end: int) -> dict:
    return {"page": nd.page_of(start), "start": start, "end": end, "text": nd.text[start:end]}


def trial_records(ctx: DocContext) -> list[dict]:
    """One ``trial`` record per distinct trial key, with evidence for every value."""
    nd, text = ctx.nd, ctx.nd.text
    by_key: dict[str, dict] = {}
    for m in ctx.mentions:
        sent = ctx.sentence_at(m.start)
        if sent is None:
            continue
        key = trial_key(m.name)
        rec = by_key.get(key)
        if rec is None:
            rec = by_key[key] = {
                "kind": "trial", "name": m.name, "aliases": [], "phase": None, "n": None,
                "design": [], "refs": [], "lang": sent.lang, "evidence": [], "rule_id": m.rule_id,
            }
        if m.surface not in rec["aliases"]:
            rec["aliases"].append(m.surface)
        for r in m.refs:
            if r not in rec["refs"]:
                rec["refs"].append(r)
        ev_needed = not rec["evidence"]
        sent_mentions = [x for x in ctx.mentions_in(sent.start, sent.end) if x.rule_id != "trial.cited_unnamed.v1"]
        if m not in sent_mentions:
            sent_mentions.append(m)
        # phase: a parenthesis right after the name ("KEYNOTE-181（Ⅲ期）"), a phase word right
        # before it ("Ⅲ期随机试验KEYNOTE-590"), or, in a sentence about this trial alone, nearby
        only_this = len({x.name for x in sent_mentions}) == 1
        for ps, pe, code in find_phases(text, sent.start, sent.end):
            if rec["phase"] is not None:
                break
            right_after = 0 <= ps - m.end <= 3
            just_before = 0 <= m.start - pe <= 12
            if right_after or just_before or (only_this and abs(ps - m.end) < 60):
                rec["phase"] = code
                ev_needed = True
        if rec["n"] is None and only_this:
            for _ns, _ne, n in find_enrolment(text, sent.lang, sent.start, sent.end):
                rec["n"] = n
                ev_needed = True
                break
        if only_this:
            for _ds, _de, code in find_design(text, sent.start, sent.end):
                if code not in rec["design"]:
                    rec["design"].append(code)
                    ev_needed = True
        if ev_needed:
            rec["evidence"].append(_evidence(nd, sent.start, sent.end))
        if m.rule_id in ("trial.cited_unnamed.v1", "trial.own_protocol.v1"):
            for r in m.refs:
                ref = ctx.references.get(r)
                if ref is not None and not any(e["start"] == ref.start for e in rec["evidence"]):
                    rec["evidence"].append(_evidence(nd, ref.start, ref.end))
    for key, rec in by_key.items():
        rec["aliases"] = sorted(set(rec["aliases"]))
        ctx.designs[key] = list(rec["design"])
    # registry ids beside a mention, in a cited reference entry, or the document's own registration
    attach_registry_ids(ctx, list(by_key.values()))
    return list(by_key.values())
