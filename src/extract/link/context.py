"""Document context: what linking knows about one document, built once.

``build_context`` gathers the trial mentions (named in the text, named only by the
reference title a citation marker points to, or the document's own trial named by
its protocol reference), whether the document is a meta-analysis, and — through
:func:`extract.link.trials.trial_summaries` — each trial's aliases, phase,
enrolment and design. Nothing later writes to it: the trial records and the
results linking both read the same finished context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..normalize import NormalizedDocument
from ..recognize.trials import (
    TrialMention,
    find_trial_mentions,
    names_in_reference_title,
    title_trial,
)
from ..records import canonical_trial_name, trial_key
from ..refs import Reference
from ..segment import Paragraph, Sentence
from .doc_arms import DocArms, document_arms
from .rules import rx

if TYPE_CHECKING:
    from .trials import TrialSummary


@dataclass
class DocContext:
    """What linking knows about one document (read-only once built)."""

    nd: NormalizedDocument
    paragraphs: list[Paragraph]
    references: dict[str, Reference]
    body_end: int
    mentions: list[TrialMention] = field(default_factory=list)
    ref_trial: dict[str, str] = field(default_factory=dict)  # ref number → canonical trial name
    ref_surface: dict[str, str] = field(
        default_factory=dict
    )  # ref number → name as the title writes it
    trials: dict[str, TrialSummary] = field(
        default_factory=dict
    )  # trial key → what the text says of it
    own_trial: TrialMention | None = None  # a primary report's own trial, named by its protocol
    meta_analysis: bool = False  # pooled estimates per stratum are subgroup results
    survey: bool = (
        False  # a survey or questionnaire study: its "response rate" is no tumour response
    )
    arms: DocArms = field(default_factory=DocArms)  # a primary report's arms and their roles

    @property
    def text(self) -> str:
        return self.nd.text

    def design_of(self, trial: str | None) -> list[str]:
        """Design words found for a trial ("single-arm", "randomised"); [] when unknown."""
        summary = self.trials.get(trial_key(trial) or "") if trial else None
        return list(summary.design) if summary is not None else []

    def sentence_at(self, offset: int) -> Sentence | None:
        for p in self.paragraphs:
            if p.start <= offset < p.end or offset == p.end:
                for s in p.sentences:
                    if s.start <= offset <= s.end:
                        return s
        return None

    def mentions_in(self, start: int, end: int) -> list[TrialMention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


def build_context(
    nd: NormalizedDocument,
    paragraphs: list[Paragraph],
    references: dict[str, Reference],
    body_end: int,
) -> DocContext:
    from .trials import trial_summaries

    ctx = DocContext(nd, paragraphs, references, body_end)
    ctx.meta_analysis = bool(
        rx("link.meta_analysis.v1").search(nd.text, 0, min(len(nd.text), 4000))
    )
    ctx.survey = bool(rx("link.survey_document.v1").search(nd.text, 0, min(len(nd.text), 1500)))
    for num, ref in references.items():
        names = names_in_reference_title(ref.title)
        if names:
            ctx.ref_trial[num] = canonical_trial_name(names[0])
            ctx.ref_surface[num] = names[0]
    mentions = _named_mentions(ctx)
    mentions += _cited_unnamed(ctx, mentions)
    own = _own_trial(ctx)
    if own is not None:
        mentions.append(own)
    ctx.mentions = _refs_from_sentence(ctx, sorted(mentions, key=lambda m: m.start))
    ctx.own_trial = own or _only_trial(ctx.mentions)
    ctx.trials = trial_summaries(ctx)
    english = [(s.start, s.end) for p in paragraphs for s in p.sentences if s.lang == "en"]
    ctx.arms = document_arms(nd.text, english, len(ctx.trials), ctx.meta_analysis)
    return ctx


def _refs_after(nd: NormalizedDocument, pos: int) -> tuple[str, ...]:
    """Citation numbers of a marker that stood at ``pos`` (allowing spaces/closing brackets)."""
    for c in nd.citations:
        if pos <= c.offset <= pos + 2 and not nd.text[pos : c.offset].strip(" )）"):
            return c.refs
    return ()


def _named_mentions(ctx: DocContext) -> list[TrialMention]:
    """Trials the text names, each with the citation marker after it: "KEYNOTE-590^[9]",
    "PALACE-1研究^[16]", "KEYNOTE-181（Ⅲ期）^[3]" (the marker may follow a phase parenthesis and
    the cue word)."""
    nd, text = ctx.nd, ctx.nd.text
    cite_ends = {c.offset for c in nd.citations}
    ref_keys = {trial_key(n) for n in ctx.ref_trial.values()}
    out = []
    for m in find_trial_mentions(text, cite_ends, ref_keys, 0, ctx.body_end):
        tail = rx("link.after_trial_name.v1").match(text, m.end)
        refs = _refs_after(nd, m.end) or (_refs_after(nd, tail.end()) if tail else ())
        out.append(TrialMention(m.start, m.end, m.surface, m.name, m.rule_id, refs))
    title = ctx.paragraphs[0] if ctx.paragraphs else None
    named = title_trial(text, title.start, title.end) if title is not None else None
    if named is not None and not any(m.start < named.end and named.start < m.end for m in out):
        out.append(named)  # "… lung cancer (KCSG LU12-01)": the title names the report's trial
    return out


def _cited_unnamed(ctx: DocContext, named: list[TrialMention]) -> list[TrialMention]:
    """A study the text does not name, whose reference title does: "一项日本的研究^[7]"."""
    text = ctx.nd.text
    named_spans = [(m.start, m.end) for m in named]
    out = []
    for c in ctx.nd.citations:
        if c.offset >= ctx.body_end or len(c.refs) != 1 or c.refs[0] not in ctx.ref_trial:
            continue
        sent = ctx.sentence_at(c.offset)
        seg_start = sent.start if sent is not None else max(0, c.offset - 120)
        direct = rx("link.study_noun_before_citation.v1").search(
            text, max(seg_start, c.offset - 12), c.offset
        )
        indefinite = list(rx("link.indefinite_study.v1").finditer(text, seg_start, c.offset))
        if direct is None and not indefinite:
            continue
        start = direct.start() if direct is not None else indefinite[-1].start()
        if indefinite and direct is not None:
            start = (
                min(start, indefinite[-1].start())
                if c.offset - indefinite[-1].start() < 60
                else start
            )
        if any(start <= a and b <= c.offset + 4 for a, b in named_spans):
            continue  # the study is named between its introduction and the marker
        if any(a <= c.offset <= b + 4 for a, b in named_spans):
            continue
        out.append(_named_by_reference(ctx, start, c.offset, c.refs, "trial.cited_unnamed.v1"))
    return out


def _own_trial(ctx: DocContext) -> TrialMention | None:
    """A primary report cites its own protocol: "as described in the study protocol^[15]", where
    reference 15 is "… (LEAP) trial: study protocol …" — the document reports that trial."""
    text, protocol = ctx.nd.text, rx("link.protocol.v1")
    for c in ctx.nd.citations:
        if c.offset >= ctx.body_end or len(c.refs) != 1 or c.refs[0] not in ctx.ref_trial:
            continue
        if protocol.search(text, max(0, c.offset - 40), c.offset) and protocol.search(
            ctx.references[c.refs[0]].title
        ):
            return _named_by_reference(ctx, c.offset, c.offset, c.refs, "trial.own_protocol.v1")
    return None


def _named_by_reference(
    ctx: DocContext, start: int, end: int, refs: tuple[str, ...], rule_id: str
) -> TrialMention:
    """A mention of the trial the (single) cited reference's title names."""
    return TrialMention(start, end, ctx.ref_surface[refs[0]], ctx.ref_trial[refs[0]], rule_id, refs)


OWN_TRIAL_OPENING = 1500  # characters: the title and abstract of a report


def _only_trial(mentions: list[TrialMention]) -> TrialMention | None:
    """A report that names one trial, in its title or abstract, and no other anywhere, reports
    that trial: its results without a study of their own are that trial's ("CCOG-0801",
    "AVAGAST" named once at the top of a primary report). So does a report that names "the
    study" it speaks of ("The study PERATECS (…) was conducted …", in its Methods) and no other
    trial but those it cites."""
    keys = {trial_key(m.name) for m in mentions}
    first = trial_key(mentions[0].name) if mentions else None
    if (
        first
        and keys
        and all(_misspelt(k, first) for k in keys)
        and (mentions[0].start <= OWN_TRIAL_OPENING)
    ):
        return mentions[0]
    # named later, as the study the text speaks of, beside only other studies it cites
    own = [m for m in mentions if m.rule_id == "trial.study_word_before.v1"]
    uncited = {trial_key(m.name) for m in mentions if not m.refs}
    if own and uncited == {trial_key(own[0].name)}:
        return own[0]
    return None


def _misspelt(key: str | None, name: str) -> bool:
    """Is ``key`` the trial ``name`` or the name with one letter left out, a typo of a body
    that names its trial once in the title ("AVAGST trial" under a title's "AVAGAST trial")? A
    digit differs between trials ("KEYNOTE-181" is not "KEYNOTE-180"), so only a letter of a
    name of six or more may be missing."""
    if key is None or key == name:
        return key == name
    if len(name) != len(key) + 1 or len(key) < 5:
        return False
    return any(name[i].isalpha() and name[:i] + name[i + 1 :] == key for i in range(len(name)))


def _refs_from_sentence(ctx: DocContext, mentions: list[TrialMention]) -> list[TrialMention]:
    """ "KEYNOTE-522 enrolled 1174 patients …^[2]": a sentence about one trial whose only marker
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
