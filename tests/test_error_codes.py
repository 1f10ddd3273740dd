"""One catalog of the codes a document can fail with: the source raises only those, the
catalog lists only codes the source raises, and README's table lists exactly the catalog."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from extract.errors import ERROR_CODES, WARNING_CODES, ReaderError
from extract.pipeline import DocResult

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "extract"


def _strings(node: ast.AST) -> set[str]:
    """String constants a value can take: itself, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def codes_in_source() -> dict[str, set[str]]:
    """Every error code the package's source gives a failing document, with where."""
    found: dict[str, set[str]] = {}

    def add(values: set[str], where: str) -> None:
        for v in values:
            found.setdefault(v, set()).add(where)

    for path in sorted(SRC.rglob("*.py")):
        if "curate" in path.parts:  # the curation app's own errors are HTTP, not documents
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg in ("code", "error_code"):
                        add(_strings(kw.value), rel)
                name = _call_name(node)
                if name == "failed_result" and len(node.args) > 1:
                    add(_strings(node.args[1]), rel)
                if name == "Failure" and len(node.args) > 2:
                    add(_strings(node.args[2]), rel)
            elif isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == "error_code" and v is not None:
                        add(_strings(v), rel)
            elif isinstance(node, ast.Assign) and rel in ("ingest.py", "pool.py"):  # the executors
                if any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                    add(_strings(node.value), rel)
            elif isinstance(node, ast.FunctionDef) and node.name == "_crash":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple):
                        add(_strings(ret.value.elts[0]), rel)
    return found


def test_every_code_the_source_raises_is_in_the_catalog_and_every_catalog_code_is_raised():
    found = codes_in_source()
    unknown = {c: sorted(w) for c, w in found.items() if c not in ERROR_CODES}
    assert not unknown, f"codes raised but not in extract.errors.ERROR_CODES: {unknown}"
    unused = sorted(set(ERROR_CODES) - set(found))
    assert not unused, f"catalog codes nothing raises: {unused}"


def _readme_table(heading: str) -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    rows = {}
    for line in text[start:].splitlines()[1:]:
        if line.startswith("#"):
            break
        m = re.match(r"\|\s*`(\w+)`\s*\|(.+)\|\s*$", line)
        if m:
            rows[m.group(1)] = m.group(2).strip()
    return rows


def test_readme_lists_every_error_code_and_every_warning_code():
    assert set(_readme_table("#### Error codes")) == set(ERROR_CODES)
    assert set(_readme_table("#### Warnings")) == set(WARNING_CODES)


def test_an_unknown_code_is_refused_where_a_failure_is_made():
    with pytest.raises(ValueError, match="unknown error code 'unreadable'"):
        ReaderError("x.pdf", "cannot", code="unreadable")
    with pytest.raises(ValueError, match="ERROR_CODES"):
        DocResult(Path("x.pdf"), None, "failed", error="?", error_code="gremlins")
    assert ReaderError("x.pdf", "too many pages", code="too_large").code == "too_large"
