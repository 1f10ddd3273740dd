"""Propose records from a curator's text selection, by the pipeline's own recognition and linking.

A curator who finds a value the pipeline missed selects it in the document's text.
:func:`propose_records` reads that text as the pipeline reads a ``.txt`` document
(:func:`extract.pipeline.prepare` up to the linking context: citations, references,
trials, paragraphs), recognizes and links the paragraph that holds the selection with
:func:`extract.link.link_sentence` — the very code that made the document's records —
and returns, most specific first, the effects and outcomes whose numbers the selection
touches, the trials it names, and, when nothing was linked, a form pre-filled with what
recognition saw. A fix to recognition or linking is therefore proposed here the same
way. Evidence is the sentence(s) around the selection, in the given text's offsets.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..link import DocContext, link_sentence, recognize_sentence
from ..link.anchors import find_anchors
from ..link.emit import trial as trial_record
from ..link.groups import stat_for
from ..records import canonical_trial_name, trial_key
from ..segment import detect_language, segment

_NAME_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[- _][A-Za-z0-9]+)*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Span:
    """The sentence(s) around a selection: the evidence of the proposed record."""

    start: int
    end: int
    text: str
    lang: str


def evidence_span(text: str, start: int, end: int) -> Span:
    """The sentences of ``text`` that the selection ``[start, end)`` overlaps."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"selection [{start}, {end}) is not within the text (0..{len(text)})")
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    s, e = start, end
    for para in segment(text, para_start, para_end):
        for sent in para.sentences:
            if sent.start < end and start < sent.end:
                s, e = min(s, sent.start), max(e, sent.end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e, text[s:e], detect_language(text[s:e]))


class _Offsets:
    """Offsets between the given text and the pipeline's reading of it (markers pulled out)."""

    def __init__(self, ctx: DocContext) -> None:
        source = ctx.nd.doc.metadata.get("source_offsets") or list(range(len(ctx.nd.doc.text)))
        self.raw = [source[j] for j in ctx.nd.origin]

    def to_read(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """The read text's span of the given text's ``[raw_start, raw_end)`` (offsets only grow
        along the text: reading pulls markers out, it does not reorder)."""
        a, b = bisect.bisect_left(self.raw, raw_start), bisect.bisect_left(self.raw, raw_end)
        return (a, b) if a < b else (0, 0)


_CONTEXTS: OrderedDict[str, DocContext] = OrderedDict()
_CONTEXTS_LOCK = threading.Lock()


def _context(text: str) -> DocContext:
    """The document's linking context (cached for the last few texts: a curator adds several
    records to one document)."""
    from ..pipeline import DocState, prepare

    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _CONTEXTS_LOCK:
        if key in _CONTEXTS:
            _CONTEXTS.move_to_end(key)
            return _CONTEXTS[key]
    ctx = prepare(DocState(path=Path("<selection>.txt"), text=text), upto="context").context
    with _CONTEXTS_LOCK:
        _CONTEXTS[key] = ctx
        while len(_CONTEXTS) > 4:
            _CONTEXTS.popitem(last=False)
    return ctx


def propose_records(text: str, start: int, end: int) -> list[dict[str, Any]]:
    """Candidate records for the selection ``text[start:end]``, most specific first.

    Each candidate is a record dict in the contract shape (``kind``, its fields, ``lang`` and
    one ``evidence`` entry without ``page``, which the caller knows). There is always at least
    one candidate: when linking makes no record of the selection, an outcome with the value
    recognition found there (or the selection's first number), or a trial named by the
    selection, so the form still opens with the evidence filled in.
    """
    span = evidence_span(text, start, end)
    ctx = _context(text)
    sel = _Offsets(ctx).to_read(start, end)
    base = {
        "lang": span.lang,
        "evidence": [{"start": span.start, "end": span.end, "text": span.text}],
        "source": "text",
    }
    linked, seen = _linked_in(ctx, sel)
    out = [
        {**_public(x.record), **base}
        for x in sorted(linked, key=lambda x: x.record["kind"] != "effect")
    ]
    out += [{**_public(r), **base} for r in _trials_named(ctx, text, start, end, sel, bool(out))]
    if not out:
        out.append({**_unlinked(ctx, seen, sel), **base})
    return out


def _linked_in(ctx: DocContext, sel: tuple[int, int]) -> tuple[list[Any], list[Any]]:
    """Records linking makes of the paragraph whose numbers the selection touches, and what
    recognition saw in the sentences it overlaps."""
    anchors = find_anchors(ctx)
    linked, seen = [], []
    for para in ctx.paragraphs:
        if para.end <= sel[0] or sel[1] <= para.start:
            continue
        para_ep = None
        for sent in para.sentences:
            s = recognize_sentence(ctx, sent)
            if sent.start < sel[1] and sel[0] < sent.end:
                seen.append(s)
                linked += [
                    x
                    for x in link_sentence(ctx, s, para, anchors, para_ep)
                    if x.start < sel[1] and sel[0] < x.end
                ]
            if s.endpoints:
                para_ep = s.endpoints[-1]
    return linked, seen


def _trials_named(
    ctx: DocContext, text: str, start: int, end: int, sel: tuple[int, int], have_results: bool
) -> list[dict[str, Any]]:
    """Trial records (as the document reports them) of the trials the selection names; a
    name-like selection the recognizers do not take is proposed as a trial of that name."""
    keys = list(
        dict.fromkeys(
            trial_key(m.name) for m in ctx.mentions if sel[0] <= m.start and m.end <= sel[1]
        )
    )
    out = [trial_record(ctx.nd, ctx.trials[k]) for k in keys if k in ctx.trials]
    chosen = text[start:end].strip()
    if not out and not have_results and _NAME_LIKE.match(chosen) and len(chosen) <= 40:
        out.append(
            {
                "kind": "trial",
                "name": canonical_trial_name(chosen),
                "aliases": [chosen],
                "refs": [],
                "phase": None,
                "n": None,
                "design": [],
                "registry": [],
            }
        )
    return out


def _unlinked(ctx: DocContext, seen: list[Any], sel: tuple[int, int]) -> dict[str, Any]:
    """An outcome form for a selection linking made nothing of: the value recognition found in
    it (or its first number), the endpoint named before it and the statistic linking would give
    that value, one cohort's; the curator fills in the rest."""
    values = [v for s in seen for v in s.values if sel[0] <= v.start < sel[1]]
    eps = [ep for s in seen for ep in s.endpoints if ep.start < sel[1]]
    nums = _NUMBER.findall(ctx.text[sel[0] : sel[1]])
    v = values[0] if values else None
    ep = eps[-1] if eps else None
    stat = (
        stat_for(ep, v.unit or "", ctx.text[ep.end : v.start])
        if ep is not None and v is not None
        else None
    )
    return {
        "kind": "outcome",
        "trial": None,
        "refs": [],
        "endpoint": ep.code if ep else None,
        "stat": stat,
        "timepoint_months": None,
        "grade": None,
        "event": None,
        "value": v.value if v else (float(nums[0]) if nums else None),
        "value_high": v.value_high if v else None,
        "qualifier": v.qualifier if v else "=",
        "unit": v.unit if v else None,
        "arm": None,
        "arm_role": "single" if v is not None else None,
        "subgroup": None,
        "n": None,
        "events": None,
        "ci_level": None,
        "ci_low": None,
        "ci_high": None,
    }


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A linked record as a proposal: without the machine fields the store adds."""
    return {k: v for k, v in record.items() if k not in ("evidence", "rule_id", "doc_id", "id")}
