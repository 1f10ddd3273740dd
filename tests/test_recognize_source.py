"""Recognition and linking keep their language in rule files: no regex literal, no long function.

A pattern written inline in ``src/extract/recognize/`` or ``src/extract/link/`` has no id,
no description and no examples that ``test_rule_examples`` runs; these tests make a new
one fail the suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "extract"
RECOGNIZE = SRC / "recognize"
LINK = SRC / "link"
TABLES = SRC / "tables"  # the table engine keeps the same standard
RE_FUNCTIONS = {
    "compile",
    "search",
    "match",
    "fullmatch",
    "sub",
    "subn",
    "finditer",
    "findall",
    "split",
}
MAX_LINES = 50


def _is_literal(node: ast.expr) -> bool:
    """A pattern written in the source: a string, an f-string, or a sum with a string in it."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    return False


def literal_patterns(source: str) -> list[tuple[int, str]]:
    """(line, call) of each ``re`` call whose pattern is written in ``source``."""
    tree = ast.parse(source)
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "re"}
        elif isinstance(node, ast.ImportFrom) and node.module == "re":
            functions |= {a.asname or a.name for a in node.names if a.name in RE_FUNCTIONS}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        by_module = (
            isinstance(f, ast.Attribute)
            and f.attr in RE_FUNCTIONS
            and isinstance(f.value, ast.Name)
            and f.value.id in modules
        )
        by_name = isinstance(f, ast.Name) and f.id in functions
        if not (by_module or by_name):
            continue
        pattern = (
            node.args[0]
            if node.args
            else next((k.value for k in node.keywords if k.arg == "pattern"), None)
        )
        if pattern is not None and _is_literal(pattern):
            found.append((node.lineno, ast.unparse(node)[:80]))
    return found


MODULES = sorted(RECOGNIZE.glob("*.py")) + sorted(LINK.glob("*.py")) + sorted(TABLES.glob("*.py"))


def test_the_recognizers_and_linkers_are_there():
    assert {p.stem for p in MODULES} >= {
        "numbers",
        "endpoints",
        "arms",
        "trials",
        "roles",
        "groups",
        "effects",
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_recognizer_writes_a_regex_inline(path):
    found = literal_patterns(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name}: move these patterns into its rule file: {found}"


@pytest.mark.parametrize(
    "source",
    [
        'import re\nX = re.compile(r"(?:from|从)\\s*$", re.I)',
        'import re\ndef f(t):\n    return re.search("分别", t)',
        'import re as regex\ndef f(t, w):\n    return regex.match(rf"{w}\\s*$", t)',
        'from re import sub\ndef f(t):\n    return sub(pattern=r"^(?:the|a)\\s+", repl="", string=t)',
        'import re\ndef f(t, w):\n    return re.fullmatch("(?:" + w + ")", t)',
    ],
)
def test_an_inline_regex_is_caught(source):
    assert literal_patterns(source)


def test_a_pattern_from_a_rule_file_is_not_caught():
    source = "import re\ndef f(t, rule):\n    return re.compile(alternation(words), re.I).search(t) or rule.regex.search(t)"
    assert literal_patterns(source) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_recognizer_function_is_long(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        (n.name, n.end_lineno - n.lineno + 1)
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and n.end_lineno - n.lineno + 1 > MAX_LINES
    ]
    assert not long, f"{path.name}: split into named steps: {long}"
