"""Every rule in every rule file carries examples; this runs all of them.

Adding a rule adds its test. Positive examples must be matched (the ``match``
substring among the rule's matches); negative examples must not be. For the
trial-name rules the whole recognizer (stop list, cues) decides, since the
shape alone admits acronyms that are never trials.
"""

from __future__ import annotations

import pytest

from extract.recognize.endpoints import mention_regex
from extract.recognize.trials import find_trial_mentions
from extract.rules import RULE_FILES, load_rules

RECOGNIZER_RULES = {"trial.acronym_number.v1", "trial.bare_acronym.v1"}
# rules whose words the recognizer derives from a lexicon: compiled the way it compiles them
DERIVED_WORDS = {
    "endpoint.mention.v1": lambda: mention_regex("zh"),  # Chinese text takes both languages' forms
    "trial.design_word.v1": lambda: design_regex(),  # every design code's words at once
}


def design_regex():
    rf = load_rules("trials.json")
    return rf.regex(
        "trial.design_word.v1", words=[w for ws in rf.lexicons["design_words"].values() for w in ws]
    )


def _cases():
    for fname in RULE_FILES:
        rf = load_rules(fname)
        for rule in rf.rules:
            for ex in rule.positive:
                yield pytest.param(
                    fname, rule.id, ex.text, ex.match, True, id=f"{rule.id}+{ex.text[:24]}"
                )
            for text in rule.negative:
                yield pytest.param(fname, rule.id, text, None, False, id=f"{rule.id}-{text[:24]}")


def _matches(fname: str, rule_id: str, text: str) -> list[str]:
    if rule_id in RECOGNIZER_RULES:
        return [m.surface for m in find_trial_mentions(text) if m.rule_id == rule_id]
    if rule_id in DERIVED_WORDS:
        return [m.group(0) for m in DERIVED_WORDS[rule_id]().finditer(text)]
    return [m.group(0) for m in load_rules(fname).regex(rule_id).finditer(text)]


@pytest.mark.parametrize(("fname", "rule_id", "text", "expected", "positive"), list(_cases()))
def test_rule_example(fname, rule_id, text, expected, positive):
    found = _matches(fname, rule_id, text)
    if positive:
        assert expected in found, f"{rule_id} should match {expected!r} in {text!r}; got {found}"
    else:
        assert not found, f"{rule_id} must not match in {text!r}; got {found}"


@pytest.mark.parametrize("fname", RULE_FILES)
def test_every_rule_has_examples(fname):
    for rule in load_rules(fname).rules:
        assert rule.positive, f"{fname}: {rule.id} has no positive example"


def test_a_broken_rule_file_is_reported_with_its_name(tmp_path, monkeypatch):
    from extract.errors import RuleFileError
    from extract.rules import RuleFile

    with pytest.raises(Exception) as e:
        RuleFile.model_validate({"version": 1, "rules": [{"id": "x.v1", "pattern": "("}]})
    assert "pattern does not compile" in str(e.value)
    with pytest.raises(RuleFileError, match="resources/nope.json"):
        load_rules("nope.json")


def unread_by_code(rf) -> list[str]:
    """Lexicons of ``rf`` that no module of the package has read (a test's reads do not count)."""
    return [
        name for name in rf.lexicons if not any(r.startswith("extract.") for r in rf.readers(name))
    ]


def test_every_lexicon_is_read_by_the_code():
    """Extracting the composed reviews, the seed review and the real-text excerpts reads every
    lexicon: none is dead (whatever other tests ran before in the same process)."""
    from corpus_paths import CORPUS, SEED_TXT

    from extract.pipeline import process_document

    real = sorted((CORPUS / "real_text").glob("*/*.*"))
    tables = [  # the table engine's lexicons: short labels, Roman grades (PMC529310 Table 5)
        CORPUS / "real_tables" / "en_pmc" / name
        for name in ("PMC4134501_tables.nxml", "PMC529310_tables.nxml")
    ]
    reviews = [*sorted((CORPUS / "composed").glob("*.md")), SEED_TXT, *real, *tables]
    assert len(reviews) >= 2
    for path in reviews:
        assert process_document(path).status == "ok", path
    dead = {fname: unread_by_code(load_rules(fname)) for fname in RULE_FILES}
    assert not any(dead.values()), f"lexicons no code reads (read them or delete them): {dead}"


def test_a_lexicon_read_only_by_a_test_counts_as_unread():
    from extract.rules import RuleFile

    rf = RuleFile.model_validate(
        {
            "version": 1,
            "rules": [{"id": "x.words.v1", "pattern": r"\L<a>", "positive": []}],
            "lexicons": {"a": ["alpha"], "b": ["beta"]},
        }
    )
    assert unread_by_code(rf) == ["a", "b"]
    assert rf.regex("x.words.v1").search("an alpha") and rf.lexicon("b") == ["beta"]
    assert rf.readers("a") == rf.readers("b") == {__name__}
    assert unread_by_code(rf) == ["a", "b"]


def test_a_lexicon_alternation_prefers_the_longer_form():
    from extract.rules import alternation

    assert alternation(["总生存期", "中位总生存期", "med."]) == r"中位总生存期|总生存期|med\."


def test_a_rule_names_the_latin_or_the_other_words_of_a_lexicon():
    from extract.rules import RuleFile

    rf = RuleFile.model_validate(
        {
            "version": 1,
            "rules": [
                {"id": "x.q.v1", "pattern": r"(?<![A-Za-z])\L<q:latin>|\L<q:other>", "positive": []}
            ],
            "lexicons": {"q": {"about": "~", "约": "~"}},
        }
    )
    rx = rf.regex("x.q.v1")
    assert rx.search("mOS约12个月").group(0) == "约"
    assert rx.search("roughabout 12") is None  # an English word stands on its own
    assert rx.search("about 12 months").group(0) == "about"


def test_a_rule_naming_a_missing_lexicon_is_reported_with_its_id():
    from extract.errors import RuleFileError
    from extract.rules import RuleFile

    rf = RuleFile.model_validate(
        {"version": 1, "rules": [{"id": "x.w.v1", "pattern": r"\L<nope>x", "positive": []}]}
    )
    with pytest.raises(RuleFileError, match="no lexicon 'nope'"):
        rf.regex("x.w.v1")
    with pytest.raises(RuleFileError, match="x.w.v1"):
        _ = rf.rule("x.w.v1").regex
