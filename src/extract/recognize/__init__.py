"""Recognizers: numbers, endpoints, arms, subgroups, trials; :func:`recognize` runs them all."""

from .sentence import SentenceSpans, recognize

__all__ = ["SentenceSpans", "recognize"]
