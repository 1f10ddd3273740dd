"""Trial registry ids: found in text and references, normalized, attached to trials.

``find_registry_ids`` reads NCT, ChiCTR, ISRCTN, EudraCT, jRCT, UMIN, CTRI, ACTRN and
JapicCTI numbers with the rules of ``resources/registry.json`` and writes each the one way
RECORDS.md spells it (``NCT 02872116`` → ``NCT02872116``, ``EudraCT number 2015-001234-56``
→ ``EudraCT 2015-001234-56``). Linking uses them twice:

- :func:`attach_registry_ids` puts on each trial record the ids written beside one of its
  mentions (the nearest trial named before the id in its sentence, else the one after) and
  the ids in the reference entries it cites, adding the sentence or entry as evidence;
- :func:`own_registry_ids` finds the document's own registration ("Trial registration:
  NCT00597311", "This study was registered at UMIN as trial number UMIN000001496"): those
  go on the document's own trial when linking found one (a protocol it cites), and are the
  document's ``registry`` otherwise, so that the store can link a report whose trial has no
  name in it to the same trial named elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..records import trial_key
from ..rules import RuleFile, load_rules

if TYPE_CHECKING:
    from ..link import DocContext

CUE_RULE = "registry.registration_cue.v1"
# how far before an id a registration cue may stand (a "Trial registration" heading above it)
CUE_WINDOW = 80


@dataclass(frozen=True)
class RegistryId:
    """One registry id in the text: its span, as written, normalized, which registry, the rule."""

    start: int
    end: int
    surface: str
    id: str
    registry: str
    rule_id: str


@cache
def _rules() -> RuleFile:
    return load_rules("registry.json")


def normalize(registry: str, number: str) -> str:
    """The canonical spelling of a registry id from its registry label and number part.

    >>> normalize("EudraCT", "2015-001234-56"), normalize("ChiCTR", "-trc-12002345")
    ('EudraCT 2015-001234-56', 'ChiCTR-TRC-12002345')
    """
    number = re.sub(r"\s+", "", number)
    if registry == "EudraCT":
        return f"EudraCT {number}"
    if registry == "ChiCTR" and re.search(r"[A-Za-z]", number):
        return "ChiCTR-" + number.lstrip("-").upper()
    if registry == "CTRI":
        return f"CTRI/{number}"
    if registry == "JapicCTI":
        return f"JapicCTI-{number}"
    return f"{registry}{number}"


def find_registry_ids(text: str, start: int = 0, end: int | None = None) -> list[RegistryId]:
    """Every registry id in ``text[start:end]``, in text order."""
    end = len(text) if end is None else end
    found: list[RegistryId] = []
    for rule in _rules().rules:
        if rule.id == CUE_RULE:
            continue
        for m in rule.regex.finditer(text, start, end):
            num = m.group("num")
            found.append(RegistryId(m.start(), m.end(), m.group(0), normalize(rule.label or "", num),
                                    rule.label or "", rule.id))
    return sorted(found, key=lambda r: r.start)


def _has_cue(text: str, start: int, end: int) -> bool:
    return _rules().rule(CUE_RULE).regex.search(text, start, end) is not None


def _evidence(ctx: DocContext, start: int, end: int) -> dict:
    return {"page": ctx.nd.page_of(start), "start": start, "end": end, "text": ctx.nd.text[start:end]}


def own_registry_ids(ctx: DocContext) -> list[RegistryId]:
    """Ids the document registers itself under: a registration cue in the id's sentence or just
    before it (a "Trial registration" heading), in the body, and no other trial named in that
    sentence."""
    text = ctx.nd.text
    out = []
    for rid in find_registry_ids(text, 0, ctx.body_end):
        sent = ctx.sentence_at(rid.start)
        s0 = sent.start if sent is not None else rid.start
        s1 = sent.end if sent is not None else rid.end
        if ctx.mentions_in(s0, s1) and not any(m.rule_id == "trial.own_protocol.v1" for m in ctx.mentions_in(s0, s1)):
            continue
        if _has_cue(text, max(0, min(s0, rid.start - CUE_WINDOW)), s1):
            out.append(rid)
    return out


def document_registry(ctx: DocContext | None) -> list[str]:
    """The document's own registry ids, normalized, without repeats (empty without a context)."""
    if ctx is None:
        return []
    seen: list[str] = []
    for rid in own_registry_ids(ctx):
        if rid.id not in seen:
            seen.append(rid.id)
    return seen


def attach_registry_ids(ctx: DocContext, records: list[dict]) -> None:
    """Set ``registry`` on each trial record dict (in place), with evidence for each id."""
    text = ctx.nd.text
    by_key = {trial_key(r["name"]): r for r in records if r.get("kind") == "trial"}
    found: dict[str, list[tuple[RegistryId, tuple[int, int]]]] = {}

    def add(key: str | None, rid: RegistryId, where: tuple[int, int]) -> None:
        if key in by_key:
            found.setdefault(key, []).append((rid, where))

    named = [m for m in ctx.mentions if m.rule_id not in ("trial.cited_unnamed.v1", "trial.own_protocol.v1")]
    for rid in find_registry_ids(text, 0, ctx.body_end):
        sent = ctx.sentence_at(rid.start)
        if sent is None:
            continue
        in_sent = [m for m in named if sent.start <= m.start < sent.end]
        before = [m for m in in_sent if m.end <= rid.start]
        after = [m for m in in_sent if m.start >= rid.end]
        target = before[-1] if before else (after[0] if after else None)
        if target is not None:
            add(trial_key(target.name), rid, (sent.start, sent.end))
    for key, rec in by_key.items():
        for num in rec.get("refs", []):
            ref = ctx.references.get(num)
            if ref is None:
                continue
            for rid in find_registry_ids(text, ref.start, ref.end):
                add(key, rid, (ref.start, ref.end))
    if ctx.own_trial is not None:
        for rid in own_registry_ids(ctx):
            sent = ctx.sentence_at(rid.start)
            add(trial_key(ctx.own_trial.name), rid, (sent.start, sent.end) if sent else (rid.start, rid.end))
    for key, hits in found.items():
        rec = by_key[key]
        ids = list(rec.get("registry") or [])
        for rid, (a, b) in hits:
            if rid.id not in ids:
                ids.append(rid.id)
            if not any(e["start"] <= rid.start and rid.end <= e["end"] for e in rec["evidence"]):
                rec["evidence"].append(_evidence(ctx, a, b))
        rec["registry"] = ids
