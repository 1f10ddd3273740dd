"""spaCy pipelines: ``spacy.blank("zh")`` with the jieba segmenter, and ``spacy.blank("en")``.

The recognizers run as registered spaCy components (``Language.factory``):
``extract_numbers``, ``extract_endpoints`` and ``extract_arms`` take their spans
with regex on ``doc.text`` first (jieba splits ``23.4%`` unpredictably) and
align them to tokens with ``doc.char_span(..., alignment_mode="expand")``. The
token-aligned spans live in ``doc.spans`` under the component's labels; the
recognizer items (exact character offsets, parsed values) beside them in
``doc.user_data``, read back with :func:`items`.

Models and dictionaries load once per process (``get_nlp`` is cached);
``load_counts()`` tells how often each was loaded, so a test can show that
batch ingestion does no per-document loading.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import resources
from typing import Any

_LOADS: Counter[str] = Counter()
_LOCK = threading.Lock()
_NLP: dict[str, Any] = {}

SPAN_KEYS = ("values", "p_values", "measures", "intervals", "endpoints", "arms", "subgroups")


def load_counts() -> dict[str, int]:
    """How many times each model / dictionary was loaded in this process."""
    return dict(_LOADS)


def _load_jieba_user_dict() -> None:
    import jieba

    path = resources.files("extract").joinpath("resources", "zh", "jieba_user.txt")
    with resources.as_file(path) as p:
        jieba.setLogLevel(60)
        jieba.initialize()
        jieba.load_userdict(str(p))
    _LOADS["jieba_user_dict"] += 1


def get_nlp(lang: str):
    """The process-wide spaCy pipeline for ``zh`` or ``en`` (built on first use)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"no pipeline for language {lang!r}; have zh, en")
    with _LOCK:
        nlp = _NLP.get(lang)
        if nlp is None:
            nlp = _build(lang)
            _NLP[lang] = nlp
    return nlp


def _build(lang: str):
    import spacy

    _register()
    if lang == "zh":
        _load_jieba_user_dict()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank("en")
    for name in ("extract_numbers", "extract_endpoints", "extract_arms"):
        nlp.add_pipe(name)
    _LOADS[f"spacy_{lang}"] += 1
    return nlp


_registered = False


def _register() -> None:
    """Register the components and span extension (idempotent)."""
    global _registered
    if _registered:
        return
    from spacy.language import Language

    from .recognize.arms import find_arms, find_subgroups
    from .recognize.endpoints import find_endpoints
    from .recognize.numbers import find_intervals, find_measures, find_p_values

    def numbers(doc):
        text, n = doc.text, len(doc.text)
        measures = find_measures(text, 0, n)
        intervals = find_intervals(text, 0, n)
        pvalues = find_p_values(text, 0, n)
        _put(doc, "measures", measures)
        _put(doc, "intervals", intervals)
        _put(doc, "p_values", pvalues)
        return doc

    def endpoints(doc):
        _put(doc, "endpoints", find_endpoints(doc.text, 0, len(doc.text), doc.lang_))
        return doc

    def arms(doc):
        _put(doc, "arms", find_arms(doc.text, 0, len(doc.text)))
        _put(doc, "subgroups", find_subgroups(doc.text, 0, len(doc.text), doc.lang_))
        return doc

    for name, fn in (("extract_numbers", numbers), ("extract_endpoints", endpoints), ("extract_arms", arms)):
        if name not in Language.factories:
            Language.factory(name)(_factory(fn))
    _registered = True


def _factory(fn: Callable) -> Callable:
    def make(nlp, name):  # noqa: ARG001 - spaCy's factory signature
        return fn

    return make


def _put(doc, key: str, found: Iterable[Any]) -> None:
    kept, spans = [], []
    for item in found:
        span = doc.char_span(item.start, item.end, label=key, alignment_mode="expand")
        if span is None:
            continue
        kept.append(item)
        spans.append(span)
    doc.spans[key] = spans
    doc.user_data[f"extract:{key}"] = kept


def items(doc, key: str, offset: int = 0) -> list[Any]:
    """The recognizer items behind ``doc.spans[key]``, offsets shifted by ``offset``."""
    return [_shift(item, offset) for item in doc.user_data.get(f"extract:{key}", [])]


def _shift(item: Any, offset: int) -> Any:
    if offset == 0:
        return item
    changes = {"start": item.start + offset, "end": item.end + offset}
    if hasattr(item, "landmark_spans"):
        changes["landmark_spans"] = [(a + offset, b + offset) for a, b in item.landmark_spans]
    return replace(item, **changes)
