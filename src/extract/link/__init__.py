"""Linking: recognized spans → trial, outcome and effect records.

One module per decision: :mod:`.context` (the document, built once), :mod:`.trials`
(trial summaries and records), :mod:`.anchors` (which study), :mod:`.groups` (value
groups and their endpoint), :mod:`.distribute` (分别 / respectively), :mod:`.roles`
(arm roles), :mod:`.effects` (HR/OR/RR/difference, P), :mod:`.emit` (the record
dicts), and :mod:`.results`, which runs them per sentence.
"""

from .context import DocContext, build_context
from .results import link_sentence, recognize_sentence, result_records
from .trials import trial_records

__all__ = [
    "DocContext",
    "build_context",
    "link_sentence",
    "recognize_sentence",
    "result_records",
    "trial_records",
]
