"""Each kind of bad PDF fails with its own clear, one-line message; a batch goes on."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from corpus_paths import REAL, SEED_PDF

from extract.errors import ReaderError
from extract.readers import read_document
from extract.readers.pdf import read_pdf


def _encrypted(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=1), invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "Hazard ratio 0.73 in the encrypted report.")
    c.save()


def _scanned(path: Path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(img).text((60, 60), "a scanned page", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    c = canvas.Canvas(str(path), invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, 595, 842)
    c.save()


def _no_pages(path: Path) -> None:
    import pypdfium2

    pypdfium2.PdfDocument.new().save(str(path))


def _no_tounicode(path: Path) -> None:
    """Chinese in an embedded TrueType subset whose ToUnicode map is taken out."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQYbad" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(
            TTFont("WQYbad", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0)
        )
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0, invariant=1)
    c.setFont("WQYbad", 12)
    for k in range(12):
        c.drawString(72, 760 - 20 * k, "在全球多中心Ⅲ期随机试验研究中，共有七百余例食管癌患者入组")
    c.save()
    # same length, so the cross-reference offsets stay right
    path.write_bytes(buf.getvalue().replace(b"/ToUnicode", b"/ToUnicodX"))


CASES = {
    # name: (make the file, expected code, words the message must contain)
    "empty": (lambda p: p.write_bytes(b""), "empty", "empty"),
    "not_pdf": (
        lambda p: p.write_text("Dear editor, please find attached", encoding="utf-8"),
        "not_pdf",
        "not a PDF",
    ),
    "truncated": (
        lambda p: p.write_bytes(SEED_PDF.read_bytes()[: SEED_PDF.stat().st_size // 2]),
        "truncated",
        "truncated",
    ),
    "corrupt": (
        lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"),
        "corrupt",
        "corrupt",
    ),
    "encrypted": (_encrypted, "encrypted", "--password"),
    "no_pages": (_no_pages, "no_pages", "no pages"),
    "scanned": (_scanned, "needs_ocr", "OCR"),
    "no_tounicode": (_no_tounicode, "junk_text", "junk"),
}


@pytest.mark.parametrize("backend", ["auto", "pdfplumber", "pdfium"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_pdf_has_its_own_message(tmp_path, case, backend):
    make, code, words = CASES[case]
    path = tmp_path / f"{case}.pdf"
    make(path)
    with pytest.raises(ReaderError) as e:
        read_pdf(path, backend=backend)
    assert e.value.code == code
    msg = str(e.value)
    assert msg.startswith(str(path) + ": ")
    assert words in msg
    assert "\n" not in msg


def test_password_opens_an_encrypted_pdf_on_both_backends(tmp_path):
    path = tmp_path / "enc.pdf"
    _encrypted(path)
    for backend in ("auto", "pdfium"):
        assert "Hazard ratio 0.73" in read_pdf(path, password="secret", backend=backend).text
        with pytest.raises(ReaderError) as e:
            read_pdf(path, password="wrong", backend=backend)
        assert e.value.code == "password"


def test_unknown_backend_names_the_choices():
    with pytest.raises(ValueError, match="auto, pdfplumber, pdfium"):
        read_pdf(SEED_PDF, backend="poppler")


def test_a_batch_goes_on_past_bad_files(tmp_path):
    files = []
    for case in ("truncated", "encrypted", "scanned", "not_pdf"):
        make, _, _ = CASES[case]
        p = tmp_path / f"{case}.pdf"
        make(p)
        files.append(p)
    files[2:2] = [
        SEED_PDF,
        REAL / "table_pvalues_thalassaemia.pdf",
        REAL / "zh_broken_encoding_figure_page.pdf",
    ]
    read, failed = [], {}
    for f in files:
        try:
            read.append(read_document(f))
        except ReaderError as e:
            failed[Path(e.path).name] = e.code
    assert [d.path.name for d in read] == [SEED_PDF.name, "table_pvalues_thalassaemia.pdf"]
    assert failed == {
        "truncated.pdf": "truncated",
        "encrypted.pdf": "encrypted",
        "zh_broken_encoding_figure_page.pdf": "junk_text",
        "scanned.pdf": "needs_ocr",
        "not_pdf.pdf": "not_pdf",
    }
