"""Real publisher PDFs read as a reader of their page images reads them (issue 15).

Each file of ``tests/real_pdf/`` says, for a few pages of one PDF of
``../shared/corpus/real_pdf/`` or ``corpus/real/``, what the page image shows: the
order of its paragraphs, sentences that must come out whole, numbers that must come out
exact, running heads and strips that must not be in the text
(:mod:`extract.readers.expected`). The PDFs of ``real_pdf`` are read from ``../shared``
(five of them are not open and never copied here); a test skips where they are absent.

``benchmarks/real_pdf.py`` prints the same figures per PDF.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_paths import CORPUS, ROOT
from pdfcases import read

from extract.document import Document, Page
from extract.errors import ReaderError
from extract.readers.expected import check, load, load_all

EXPECTED = ROOT / "tests" / "real_pdf"
SHARED = ROOT.parent / "shared" / "corpus"

# what the reader does not read yet, and why: a case that starts to pass fails here (strict),
# so that it is taken off the list
KNOWN = {
    "en_dom2017_lixisenatide_renal_pooled": "a full-width table under two columns is read "
    "between the left column's last line and the right column",
    "meta_analysis_hpylori_anaemia": "the en dash of '80–120 g/l' decodes as 'e' (a font "
    "without a usable encoding); the raised 2 of 'I²' is taken for a citation; a spanning "
    "table's caption is read into the left column's last sentence",
    "table_pvalues_thalassaemia": "a one-page PDF: its journal footer cannot be told from body "
    "text by repetition",
}


def pdf_path(pdf: str) -> Path:
    """``real/x.pdf`` from the repository's corpus (a copy is kept there), ``real_pdf/`` from
    ../shared (never copied)."""
    local = CORPUS / pdf
    return local if local.exists() else SHARED / pdf


CASES = load_all(EXPECTED)


def test_every_pdf_of_both_corpora_has_an_expected_reading():
    stems = {e.stem for e in CASES}
    assert len(stems) == len(CASES)
    for e in CASES:
        assert Path(e.pdf).stem == e.stem, f"{e.stem}.json names {e.pdf}"
    shared = {p.stem for p in (SHARED / "real_pdf").glob("*.pdf")}
    real = {p.stem for p in (CORPUS / "real").glob("*.pdf")}
    assert real <= stems
    assert shared <= stems


@pytest.mark.parametrize(
    "exp",
    [
        pytest.param(e, id=e.stem, marks=pytest.mark.xfail(reason=KNOWN[e.stem], strict=True))
        if e.stem in KNOWN
        else pytest.param(e, id=e.stem)
        for e in CASES
    ],
)
def test_the_reading_matches_the_page_images(exp):
    path = pdf_path(exp.pdf)
    if not path.exists():
        pytest.skip(f"{exp.pdf} not present (../shared/corpus)")
    if exp.error:
        with pytest.raises(ReaderError) as err:
            read(str(path))
        assert err.value.code == exp.error
        return
    out = check(exp, read(str(path)))
    assert not out.failures, "\n".join(out.failures)
    assert out.sentences[1] and out.order[1]


def _doc(text: str) -> Document:
    return Document(Path("x.pdf"), "x", text, [Page(2, 0, len(text))], format="pdf")


def test_the_check_fails_on_a_split_sentence_a_wrong_number_and_leaked_furniture(tmp_path):
    exp_file = tmp_path / "x.json"
    exp_file.write_text(
        json.dumps(
            {
                "pdf": "real_pdf/x.pdf",
                "pages": {
                    "2": {
                        "order": ["Methods", "Results"],
                        "sentences": ["The median was 7.7 months in both groups."],
                        "numbers": ["7.7"],
                        "furniture": ["PLOS ONE | 2 / 14"],
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    exp = load(exp_file)
    good = check(exp, _doc("Methods\n\nThe median was ７．７ months in both\ngroups.\n\nResults"))
    assert good.failures == [] and good.sentences == (1, 1) and good.numbers == (1, 1)
    bad = check(
        exp,
        _doc(
            "Results\n\nThe median was 7\n\nPLOS ONE | 2 / 14\n\n7 months in both groups.\n\nMethods"
        ),
    )
    assert bad.sentences == (0, 1) and bad.numbers == (0, 1) and bad.order == (0, 1)
    assert bad.furniture_leaked == ["PLOS ONE | 2 / 14"]


def test_a_number_run_into_a_neighbour_is_not_exact(tmp_path):
    exp_file = tmp_path / "y.json"
    exp_file.write_text(
        json.dumps({"pdf": "real/y.pdf", "pages": {"2": {"numbers": ["0.05", "95% CI"]}}}),
        encoding="utf-8",
    )
    out = check(load(exp_file), _doc("P = 0.051 (95% CI 1.2-3.4)"))
    assert out.numbers == (1, 2)


def test_a_malformed_expectation_names_its_file(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"pdf": "real/x.pdf", "pages": {"2": {"sentense": []}}}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json.*sentense"):
        load(bad)
