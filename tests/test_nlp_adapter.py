"""The spaCy adapter gives spaCy users the pipeline's recognition; the pipeline itself never tokenizes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from extract.recognize import recognize

# corpus/composed/zh_review_gastric_immunotherapy.md
ZH = "帕博利珠单抗联合化疗对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月；P < 0.0001；HR = 0.73；95%CI: 0.62~0.86）。"
# corpus/composed/en_review_melanoma_checkpoint.md (shape of its survival sentences)
EN = "Median overall survival was 37.6 months with nivolumab versus 19.9 months with ipilimumab (HR 0.65; 95% CI, 0.53-0.80)."


@pytest.mark.parametrize(("lang", "text"), [("zh", ZH), ("en", EN)])
def test_the_spacy_component_holds_what_recognition_found(lang, text):
    from extract.nlp import SPAN_KEYS, get_nlp

    doc = get_nlp(lang)(text)
    found = recognize(text, 0, len(text), lang)
    for key in SPAN_KEYS:
        items = getattr(found, key)
        assert [s._.extract for s in doc.spans[key]] == list(items), key
        for span, item in zip(doc.spans[key], items, strict=True):
            assert (
                span.start_char <= item.start and item.end <= span.end_char
            )  # aligned outward to tokens
    assert [v.value for v in found.values] == ([12.4, 9.8] if lang == "zh" else [37.6, 19.9])
    assert [m.value for m in found.measures] == [0.73 if lang == "zh" else 0.65]


def test_processing_a_document_loads_neither_spacy_nor_jieba():
    code = (
        "import sys; from extract.pipeline import process_text; "
        f"r = process_text({ZH!r}); assert r.status == 'ok' and r.records, r; "
        "print(sorted(m for m in ('spacy', 'jieba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
