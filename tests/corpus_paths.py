"""Paths of the corpus the tests read (importable from any test: ``pythonpath = tests``)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = CORPUS / "gold"
SEED_TXT = CORPUS / "seed" / "000_05e11c3b259efc19.txt"
SEED_PDF = CORPUS / "seed" / "000_05e11c3b259efc19.pdf"
REAL = CORPUS / "real"
REAL_PDF = ROOT.parent / "shared" / "corpus" / "real_pdf"  # not all open: read in place
