"""Rule files: versioned data under ``resources/``, validated on load.

A rule file is JSON with a ``version``, a list of ``rules`` (each with an ``id``,
a regex ``pattern`` and positive/negative ``examples``) and named ``lexicons``
(lists of words or word → value maps). ``tests/test_rule_examples.py`` runs every
rule's examples, so adding a rule adds its test.

A pattern may name a lexicon of its file as ``\\L<name>`` (the notation of the
``regex`` module's named lists): it stands for the lexicon's words (a map's keys;
``a.b`` for a list inside a map), longest first, as a non-capturing group.
``\\L<name:latin>`` keeps the words that begin with a Latin letter, ``:other``
the rest. So the words stay in the lexicon and the context around them stays a rule
with examples.

Every read of a lexicon is recorded with the module that read it, so a test can
show that no lexicon is dead.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .errors import RuleFileError


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    match: str | None = None  # the substring the rule must match (positive examples)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_.]+\.v\d+$")
    description: str = ""
    pattern: str
    ignore_case: bool = False
    label: str | None = None
    value: Any = None
    positive: list[Example] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _compiles(self) -> Rule:
        # compiled with the rule's own flags, through the cache :attr:`regex` reads: a
        # pattern is compiled once per process, not once to check it and again to use it
        try:
            if _LEXICON_REF.search(self.pattern):
                re.compile(_LEXICON_REF.sub("(?:x)", self.pattern))
            else:
                _compile(self.pattern, self.ignore_case)
        except re.error as e:
            raise ValueError(f"pattern does not compile: {e}") from e
        return self

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern; a pattern that names lexicons is compiled by :meth:`RuleFile.regex`."""
        if _LEXICON_REF.search(self.pattern):
            raise RuleFileError(
                f"{self.id} names lexicons ({self.pattern[:40]}…): use RuleFile.regex"
            )
        return _compile(self.pattern, self.ignore_case)


_LEXICON_REF = re.compile(r"\\L<(?P<name>[a-z_][a-z0-9_.]*)(?::(?P<part>latin|other))?>")


@cache
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def alternation(words: Iterable[str]) -> str:
    """``words`` as one regex alternation, each escaped, longest first.

    Longest first, so that a form wins over its own prefix ("中位总生存期" before
    "总生存期", "less than" before "less"); ties keep the lexicon's order.
    """
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _is_latin(word: str) -> bool:
    return word[:1].isascii() and word[:1].isalpha()


def _reader() -> str:
    """The module outside this one that asked for a lexicon."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return frame.f_globals.get("__name__", "?") if frame is not None else "?"


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    description: str = ""
    rules: list[Rule] = Field(default_factory=list)
    lexicons: dict[str, Any] = Field(default_factory=dict)
    _readers: dict[str, set[str]] = PrivateAttr(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RuleFileError(f"no rule {rule_id!r}; have: {', '.join(r.id for r in self.rules)}")

    def lexicon(self, name: str) -> Any:
        """The lexicon ``name``; the read is recorded with the module that asked."""
        try:
            value = self.lexicons[name]
        except KeyError as e:
            raise RuleFileError(f"no lexicon {name!r}; have: {', '.join(self.lexicons)}") from e
        self._readers.setdefault(name, set()).add(_reader())
        return value

    def readers(self, name: str) -> set[str]:
        """Modules that have read lexicon ``name`` in this process (empty: nobody yet)."""
        return set(self._readers.get(name, ()))

    def regex(self, rule_id: str, **words: Iterable[str]) -> re.Pattern[str]:
        """Rule ``rule_id`` compiled, with each ``\\L<name>`` replaced by the words of lexicon ``name``.

        ``words`` supplies word lists the caller derives from a lexicon (the endpoint
        forms of one language): ``\\L<forms>`` takes ``words["forms"]`` first.
        """
        rule = self.rule(rule_id)
        if not _LEXICON_REF.search(rule.pattern):
            return rule.regex
        body = _LEXICON_REF.sub(lambda m: self._alternation(m, rule_id, words), rule.pattern)
        return _compile(body, rule.ignore_case)

    def _alternation(
        self, ref: re.Match[str], rule_id: str, given: dict[str, Iterable[str]]
    ) -> str:
        head, *path = ref.group("name").split(".")
        words: Any = given[head] if head in given else self.lexicon(head)
        for key in path:
            if not isinstance(words, dict) or key not in words:
                raise RuleFileError(f"{rule_id}: lexicon {head!r} has no {key!r}")
            words = words[key]
        if ref.group("part") == "latin":
            words = [w for w in words if _is_latin(w)]
        elif ref.group("part") == "other":
            words = [w for w in words if not _is_latin(w)]
        return f"(?:{alternation(words)})"


RULE_FILES = (
    "trials.json",
    "endpoints.json",
    "numbers.json",
    "arms.json",
    "linking.json",
    "registry.json",
    "tables.json",
)


@cache
def load_rules(name: str) -> RuleFile:
    """Load and validate ``resources/<name>`` (cached: once per process)."""
    try:
        raw = resources.files("extract").joinpath("resources", name).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise RuleFileError(f"resources/{name}: no such rule file") from e
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise RuleFileError(f"resources/{name}: invalid JSON at line {e.lineno}: {e.msg}") from e
    try:
        rf = RuleFile.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise RuleFileError(f"resources/{name}: {loc}: {first['msg']}") from e
    ids = [r.id for r in rf.rules]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RuleFileError(f"resources/{name}: duplicate rule ids {sorted(dupes)}")
    return rf
