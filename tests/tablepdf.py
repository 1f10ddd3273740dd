"""One writer of a PDF holding a real result table (for the table engine's and curation's tests).

The table is Table 2 of PMC4907713 ("Pathological and clinical tumor response", OncoTargets
and Therapy; corpus/real_tables/en_pmc/PMC4907713_tables.nxml, table t2-ott-9-3443), set
as a ruled table by reportlab, with its caption above and its abbreviations below, so the
PDF reader finds it as ``Document.tables`` cells with boxes.
"""

from __future__ import annotations

from pathlib import Path

TITLE = "Capecitabine or fluorouracil with epirubicin and cyclophosphamide before surgery"
CAPTION = "Table 2 Pathological and clinical tumor response"
ROWS = [
    ["Variables", "XEC (n=61) (%)", "FEC (n=70) (%)", "P-value"],
    ["pCR in tumor", "11 (18)", "4 (6)", "0.027"],
    ["ORR", "53 (87)", "51 (73)", "0.048"],
    ["cCR", "12 (20)", "5 (7)", "0.033"],
    ["Partial response", "41 (67)", "46 (66)", "0.865"],
    ["Stable disease", "8 (13)", "10 (14)", "0.846"],
    ["Progressive disease", "0 (0)", "9 (13)", "0.004"],
]
FOOTNOTE = (
    "Abbreviations: cCR, clinical complete response; ORR, objective remission rate; "
    "pCR, pathological complete response."
)


def write_table_pdf(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    table = Table(ROWS)
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTSIZE", (0, 0), (-1, -1), 9)]
        )
    )
    doc = SimpleDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.build(
        [
            Paragraph(TITLE, styles["Title"]),
            Paragraph(CAPTION, styles["Normal"]),
            Spacer(1, 6),
            table,
            Spacer(1, 6),
            Paragraph(FOOTNOTE, styles["Normal"]),
        ]
    )
    return path
