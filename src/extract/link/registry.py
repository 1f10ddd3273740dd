"""Registry ids on trials: the ids beside a trial's mention or in the references it cites,
and the document's own registration ("Trial registration: NCT00597311"), which goes on the
document's own trial when linking found one, and is the document's ``registry`` otherwise.
"""

from __future__ import annotations

from ..recognize.registry import CUE_WINDOW, RegistryId, find_registry_ids, has_cue
from ..records import trial_key
from .context import DocContext


def _evidence(ctx: DocContext, start: int, end: int) -> dict:
    return {
        "page": ctx.nd.page_of(start),
        "start": start,
        "end": end,
        "text": ctx.nd.text[start:end],
    }


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
        if ctx.mentions_in(s0, s1) and not any(
            m.rule_id == "trial.own_protocol.v1" for m in ctx.mentions_in(s0, s1)
        ):
            continue
        if has_cue(text, max(0, min(s0, rid.start - CUE_WINDOW)), s1):
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

    named = [
        m
        for m in ctx.mentions
        if m.rule_id not in ("trial.cited_unnamed.v1", "trial.own_protocol.v1")
    ]
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
            add(
                trial_key(ctx.own_trial.name),
                rid,
                (sent.start, sent.end) if sent else (rid.start, rid.end),
            )
    for key, hits in found.items():
        rec = by_key[key]
        ids = list(rec.get("registry") or [])
        for rid, (a, b) in hits:
            if rid.id not in ids:
                ids.append(rid.id)
            if not any(e["start"] <= rid.start and rid.end <= e["end"] for e in rec["evidence"]):
                rec["evidence"].append(_evidence(ctx, a, b))
        rec["registry"] = ids
