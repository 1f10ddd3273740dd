"""Rule files: versioned data under ``resources/``, validated on load.

A rule file is JSON with a ``version``, a list of ``rules`` (each with an ``id``,
a regex ``pattern`` and positive/negative ``examples``) and named ``lexicons``
(lists of words or word → value maps). ``tests/test_rule_examples.py`` runs every
rule's examples, so adding a rule adds its test.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"pattern does not compile: {e}") from e
        return v

    @property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern, self.ignore_case)


@cache
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    description: str = ""
    rules: list[Rule] = Field(default_factory=list)
    lexicons: dict[str, Any] = Field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RuleFileError(f"no rule {rule_id!r}; have: {', '.join(r.id for r in self.rules)}")

    def lexicon(self, name: str) -> Any:
        try:
            return self.lexicons[name]
        except KeyError as e:
            raise RuleFileError(f"no lexicon {name!r}; have: {', '.join(self.lexicons)}") from e


RULE_FILES = ("trials.json", "endpoints.json", "numbers.json", "arms.json", "linking.json", "registry.json")


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
