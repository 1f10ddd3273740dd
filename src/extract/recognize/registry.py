"""Trial registry ids: found in text and references, normalized.

``find_registry_ids`` reads NCT, ChiCTR, ISRCTN, EudraCT, jRCT, UMIN, CTRI, ACTRN and
JapicCTI numbers with the rules of ``resources/registry.json`` and writes each the one way
RECORDS.md spells it (``NCT 02872116`` → ``NCT02872116``, ``EudraCT number 2015-001234-56``
→ ``EudraCT 2015-001234-56``). Linking (:mod:`extract.link.registry`) uses them twice:

- ``attach_registry_ids`` puts on each trial record the ids written beside one of its
  mentions (the nearest trial named before the id in its sentence, else the one after) and
  the ids in the reference entries it cites, adding the sentence or entry as evidence;
- ``own_registry_ids`` finds the document's own registration ("Trial registration:
  NCT00597311", "This study was registered at UMIN as trial number UMIN000001496"): those
  go on the document's own trial when linking found one (a protocol it cites), and are the
  document's ``registry`` otherwise, so that the store can link a report whose trial has no
  name in it to the same trial named elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..rules import RuleFile, load_rules

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
    number = "".join(number.split())
    if registry == "EudraCT":
        return f"EudraCT {number}"
    if registry == "ChiCTR" and any(ch.isascii() and ch.isalpha() for ch in number):
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
            found.append(
                RegistryId(
                    m.start(),
                    m.end(),
                    m.group(0),
                    normalize(rule.label or "", num),
                    rule.label or "",
                    rule.id,
                )
            )
    return sorted(found, key=lambda r: r.start)


def has_cue(text: str, start: int, end: int) -> bool:
    return _rules().rule(CUE_RULE).regex.search(text, start, end) is not None
