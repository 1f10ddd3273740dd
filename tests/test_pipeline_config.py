"""Pipeline files are checked stage by stage, and everything that changes output is in the version."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_paths import CORPUS

from extract.errors import PipelineConfigError
from extract.ingest import ingest
from extract.pipeline import DocState, load_pipeline, prepare, process_text

STAGES = (
    '[pipeline]\nstages = ["extract.read.v1", "extract.normalize.v1", "extract.segment.v1", '
    '"extract.trials.v1", "extract.results.v1"]\n'
)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[stages."extract.read.v1"]\npdf_backnd = "pdfium"\n',
            'extract.read.v1"] pdf_backnd: Extra inputs',
        ),
        (
            '[stages."extract.read.v1"]\npdf_backend = "pdfmium"\n',
            "pdf_backend: Input should be 'auto', 'pdfplumber' or 'pdfium'",
        ),
        ('[stages."extract.read.v1"]\nocr = "sometimes"\n', "ocr: Input should be a valid boolean"),
        (
            '[stages."extract.normalize.v1"]\nsteps = ["ligatures", "whitespcae"]\n',
            "unknown normalization steps ['whitespcae']",
        ),
        (
            '[stages."extract.results.v1"]\nstrict = true\n',
            'extract.results.v1"] strict: Extra inputs',
        ),
        (
            '[stages."extract.reslts.v1"]\n',
            "settings for stages not in [pipeline] stages: extract.reslts.v1",
        ),
    ],
)
def test_a_misspelt_or_wrong_setting_names_the_file_the_stage_and_the_key(tmp_path, table, message):
    f = tmp_path / "mine.toml"
    f.write_text(STAGES + table, encoding="utf-8")
    with pytest.raises(PipelineConfigError) as e:
        load_pipeline(f)
    assert str(f) in str(e.value) and message in str(e.value)


def test_reading_options_are_part_of_the_version():
    base = load_pipeline()
    assert base.with_reading(None, None).version == base.version
    versions = {
        base.version,
        base.with_reading("pdfium").version,
        base.with_reading(ocr=True).version,
        base.with_reading("pdfium", True).version,
    }
    assert len(versions) == 4
    assert base.with_reading("auto").version == base.version  # the default, said explicitly


def test_changing_the_pdf_backend_reextracts_in_ingest(tmp_path):
    pdf = CORPUS / "composed" / "en_review_gastric_io.pdf"
    db = tmp_path / "x.db"
    first = ingest([pdf], db, workers=1, pdf_backend="pdfplumber")
    again = ingest([pdf], db, workers=1, pdf_backend="pdfplumber")
    other = ingest([pdf], db, workers=1, pdf_backend="pdfium")
    assert (first.processed, again.processed, again.skipped, other.processed) == (1, 0, 1, 1)
    assert first.pipeline_version != other.pipeline_version


def test_prepare_stops_where_asked_and_text_goes_through_the_read_stage():
    text = "KEYNOTE-590研究中，中位总生存期为12.4个月 vs. 9.8个月（HR 0.73）。"
    state = prepare(DocState(path=Path("a.txt"), text=text), upto="text")
    assert (
        state.nd is not None
        and state.nd.text == text
        and not state.paragraphs
        and state.context is None
    )
    state = prepare(DocState(path=Path("a.txt"), text=text), upto="context")
    assert state.context is not None and [r["name"] for r in state.records] == ["KEYNOTE-590"]
    res = process_text(text)
    assert res.status == "ok" and {r.kind for r in res.records} == {"trial", "outcome", "effect"}


def test_documents_leave_the_collector_threshold_as_they_found_it():
    """The pipeline lets the cycle collector run less often while a document is processed;
    a program that calls it, from several threads at once too, gets its own setting back."""
    import gc
    import threading

    sentence = "Median overall survival was 12.4 months (HR 0.73; 95% CI, 0.62-0.86; P<0.001)."
    before = gc.get_threshold()
    gc.set_threshold(900, 11, 12)
    try:
        assert process_text(sentence).status == "ok"
        assert gc.get_threshold() == (900, 11, 12)
        threads = [threading.Thread(target=process_text, args=(sentence,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert gc.get_threshold() == (900, 11, 12)
    finally:
        gc.set_threshold(*before)
