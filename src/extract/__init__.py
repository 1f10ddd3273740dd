"""Bilingual extraction of trials, outcomes and effects from clinical review articles.

The package is organised as the pipeline runs: ``readers`` → ``normalize`` →
``segment`` → ``recognize`` → ``link`` → ``records``; ``pipeline`` wires the
stages, ``evaluate`` scores output against the gold corpus.
"""

__version__ = "0.1.0"
