"""The table rules of ``resources/tables.json``: validated, compiled once, looked up by id."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..rules import load_rules


@cache
def rx(rule_id: str) -> re.Pattern[str]:
    """The compiled pattern of table rule ``rule_id`` (an unknown id is a RuleFileError)."""
    return load_rules("tables.json").regex(rule_id)


def lexicon(name: str) -> Any:
    """A word list or map of ``tables.json``."""
    return load_rules("tables.json").lexicon(name)
