"""The tree stays as `ruff format` and `ruff check` leave it (pyproject.toml's settings)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_paths import ROOT

RUFF = Path(sys.executable).with_name("ruff")
PATHS = ["src", "tests", "benchmarks", "corpus/tools"]


@pytest.mark.skipif(
    not RUFF.exists() and shutil.which("ruff") is None, reason="ruff is a test dependency"
)
@pytest.mark.parametrize("command", [["format", "--check"], ["check"]])
def test_the_tree_is_formatted_and_lint_clean(command):
    ruff = (
        str(RUFF) if RUFF.exists() else shutil.which("ruff")
    )  # a test dependency (pyproject.toml)
    assert ruff, "ruff is not installed: make .venv/.installed-test"
    out = subprocess.run([ruff, *command, *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]
