"""The linking rules of ``resources/linking.json``: validated, compiled once, looked up by id."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..rules import load_rules


@cache
def rx(rule_id: str) -> re.Pattern[str]:
    """The compiled pattern of linking rule ``rule_id`` (an unknown id is a RuleFileError)."""
    return load_rules("linking.json").rule(rule_id).regex


def lexicon(name: str) -> Any:
    """A word list or map of ``linking.json``."""
    return load_rules("linking.json").lexicon(name)
