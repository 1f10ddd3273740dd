"""spaCy adapter: the recognizers as a spaCy component, for users who work with spaCy ``Doc``\\ s.

The pipeline itself does not tokenize: recognition takes every number, endpoint and arm
with regex on the text (:func:`extract.recognize.recognize`), and nothing downstream reads
tokens — tokenizing each sentence (jieba for Chinese) cost about two thirds of the results
stage on the Chinese monograph (``benchmarks/results_stage.py``). This module gives the same
recognition to spaCy users: ``get_nlp("zh")`` is ``spacy.blank("zh")`` with the jieba
segmenter and its user dictionary, ``get_nlp("en")`` is ``spacy.blank("en")``, each with the
``extract_recognize`` component, which puts every recognized span into ``doc.spans`` under
its kind (``values``, ``p_values``, ``measures``, ``intervals``, ``endpoints``, ``arms``,
``subgroups``), aligned to tokens, with the recognizer's item (parsed value, unit, code) in
``span._.extract``.

Models and dictionaries load once per process (``get_nlp`` is cached); ``load_counts()``
tells how often each was loaded.
"""

from __future__ import annotations

import threading
from collections import Counter
from importlib import resources
from typing import Any

_LOADS: Counter[str] = Counter()
_LOCK = threading.Lock()
_NLP: dict[str, Any] = {}

SPAN_KEYS = ("values", "p_values", "measures", "intervals", "endpoints", "arms", "subgroups")


def load_counts() -> dict[str, int]:
    """How many times each model / dictionary was loaded in this process."""
    return dict(_LOADS)


def get_nlp(lang: str):
    """The process-wide spaCy pipeline for ``zh`` or ``en`` (built on first use)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"no pipeline for language {lang!r}; have zh, en")
    with _LOCK:
        nlp = _NLP.get(lang)
        if nlp is None:
            nlp = _NLP[lang] = _build(lang)
    return nlp


def _load_jieba_user_dict() -> None:
    import jieba

    path = resources.files("extract").joinpath("resources", "zh", "jieba_user.txt")
    with resources.as_file(path) as p:
        jieba.setLogLevel(60)
        jieba.initialize()
        jieba.load_userdict(str(p))
    _LOADS["jieba_user_dict"] += 1


def _build(lang: str):
    import spacy

    _register()
    if lang == "zh":
        _load_jieba_user_dict()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank("en")
    nlp.add_pipe("extract_recognize")
    _LOADS[f"spacy_{lang}"] += 1
    return nlp


def _register() -> None:
    """Register the component and the span extension (idempotent)."""
    from spacy.language import Language
    from spacy.tokens import Span

    if not Span.has_extension("extract"):
        Span.set_extension("extract", default=None)
    if "extract_recognize" not in Language.factories:
        Language.factory("extract_recognize")(lambda nlp, name: _recognize_doc)  # noqa: ARG005


def _recognize_doc(doc):
    from .recognize import recognize

    found = recognize(doc.text, 0, len(doc.text), doc.lang_)
    for key in SPAN_KEYS:
        spans = []
        for item in getattr(found, key):
            span = doc.char_span(item.start, item.end, label=key, alignment_mode="expand")
            if span is not None:
                span._.extract = item
                spans.append(span)
        doc.spans[key] = spans
    return doc
