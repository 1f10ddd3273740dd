"""The evaluator: RECORDS.md matching rules on small hand-made cases.

Records are taken from real sentences of the seed review (KEYNOTE-590, ESO-Shanghai 13)
and from English trial reports, so that each case reads like what the pipeline meets.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from extract.evaluate import (
    FIELDS,
    KINDS,
    PRF,
    Scores,
    _max_weight_assignment,
    evaluate,
    gold_to_records,
    loose_match,
    match,
    strict_failures,
)
from extract.records import parse_gold, parse_record

SENT_ZH = (
    "帕博利珠单抗联合化疗对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月； "
    "$P < 0.0001$ ； $HR = 0.73$ ；95%CI: 0.62~0.86）"
)
SENT_EN = "median OS 12.4 versus 9.8 months (hazard ratio 0.73; 95% CI 0.62 to 0.86; P<0.001)"

OUTCOME = {"kind": "outcome", "endpoint": "OS", "stat": "median", "value": 12.4, "unit": "month"}
EFFECT = {"kind": "effect", "endpoint": "OS", "measure": "HR", "value": 0.73, "p_value": 0.0001}


def gold(lang: str = "zh", **fields: Any):
    return parse_gold({"lang": lang, **fields})


def pred(lang: str = "zh", page: int = 2, text: str = SENT_ZH, **fields: Any):
    return parse_record(
        {
            "id": f"r{random.random()}",
            "doc_id": "d",
            "evidence": [{"page": page, "start": 0, "end": len(text), "text": text}],
            "lang": lang,
            **fields,
        }
    )


def run(golds, preds) -> Scores:
    return evaluate({"doc": golds}, {"doc": preds})


def counts(s: Scores, kind: str = "all", mode: str = "loose") -> tuple[int, int, int]:
    p = getattr(s.overall[kind], mode)
    return p.tp, p.fp, p.fn


def every_prf(s: Scores):
    """Yield (where, PRF) for every score table in ``s``."""
    tables = [("overall", s.overall)]
    tables += [(f"by_lang/{k}", t) for k, t in s.by_lang.items()]
    tables += [(f"by_doc/{k}", t) for k, t in s.by_doc.items()]
    for where, table in tables:
        for kind, ks in table.items():
            yield f"{where}/{kind}/loose", ks.loose
            yield f"{where}/{kind}/strict", ks.strict


# A small two-document, two-language gold with every kind, duplicates, optional records,
# omitted fields and an empty (negative-control) document.
GOLD = {
    "keynote_zh": [
        gold(kind="trial", name="KEYNOTE-590", phase="3", n=749, text=SENT_ZH, page=2),
        gold(kind="trial", name="RATIONALE 306"),
        gold(**OUTCOME, trial="KEYNOTE-590", arm_role="experimental", text=SENT_ZH, page=2),
        gold(**{**OUTCOME, "value": 9.8}, trial="KEYNOTE-590", arm_role="control"),
        gold(
            **EFFECT,
            trial="KEYNOTE-590",
            ci_level=0.95,
            ci_low=0.62,
            ci_high=0.86,
            p_qualifier="<",
            subgroup=None,
        ),
        # ESO-Shanghai 13: two subgroups report the same mPFS value pattern (duplicate keys)
        gold(
            kind="outcome",
            endpoint="PFS",
            stat="median",
            value=12.0,
            unit="month",
            trial="ESO-SHANGHAI-13",
            arm_role="experimental",
            subgroup="仅接受化疗",
        ),
        gold(
            kind="outcome",
            endpoint="PFS",
            stat="median",
            value=12.0,
            unit="month",
            trial=None,
            arm_role="single",
        ),
        gold(
            kind="outcome",
            endpoint="OS",
            stat="median",
            value=1,
            unit="year",
            qualifier="<",
            optional=True,
        ),
    ],
    "keynote_en": [
        gold("en", kind="trial", name="KEYNOTE-590"),
        gold("en", **OUTCOME, trial="KEYNOTE-590", text=SENT_EN),
        gold("en", **EFFECT, ci_low=0.62, ci_high=0.86, p_qualifier="<"),
        gold(
            "en",
            kind="effect",
            endpoint="AE",
            measure=None,
            value=None,
            p_value=0.036,
            grade="1-2",
            event="esophagitis",
            optional=True,
        ),
    ],
    "negative_control": [],
}


# --------------------------------------------------------------------------- the two anchors


@pytest.mark.parametrize("include_optional", [False, True])
def test_gold_against_itself_is_one_everywhere(include_optional):
    s = evaluate(GOLD, gold_to_records(GOLD, include_optional=include_optional))
    for where, prf in every_prf(s):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0), where
        assert prf.fp == prf.fn == 0, where
    assert set(s.by_lang) == {"zh", "en"}
    assert set(s.by_doc) == set(GOLD)
    assert s.errors == []
    assert all(n == 0 for table in s.field_failures.values() for n in table.values())
    assert (
        s.overall["all"].strict.tp == 10
    )  # every required gold record, optional ones earn nothing


def test_empty_prediction_has_recall_zero():
    s = evaluate(GOLD, {})
    for kind in ("all", *KINDS):
        for mode in ("loose", "strict"):
            prf = getattr(s.overall[kind], mode)
            assert prf.recall == 0.0 and prf.f1 == 0.0 and prf.tp == 0
            assert prf.precision == 1.0  # nothing predicted, nothing wrong
    assert s.summary.false_negative == 10  # optional gold is not missed
    # the negative control has nothing to find and nothing was predicted
    assert s.by_doc["negative_control"]["all"].strict.f1 == 1.0


def test_prediction_on_a_negative_control_has_precision_zero():
    s = evaluate({"neg": []}, {"neg": [pred(**OUTCOME)]})
    assert s.overall["all"].loose.precision == 0.0
    assert s.overall["all"].loose.recall == 1.0
    assert s.overall["all"].loose.f1 == 0.0


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "expected"),
    [
        (0, 0, 0, (1.0, 1.0, 1.0)),
        (0, 0, 3, (1.0, 0.0, 0.0)),
        (0, 2, 0, (0.0, 1.0, 0.0)),
        (0, 2, 3, (0.0, 0.0, 0.0)),
        (1, 1, 1, (0.5, 0.5, 0.5)),
        (3, 1, 0, (0.75, 1.0, 6 / 7)),
    ],
)
def test_prf_conventions(tp, fp, fn, expected):
    p = PRF.from_counts(tp, fp, fn)
    assert (p.precision, p.recall, p.f1) == pytest.approx(expected)


# --------------------------------------------------------------------------- trial names


@pytest.mark.parametrize(
    ("gold_name", "pred_name", "same"),
    [
        ("RATIONALE-306", "RATIONALE 306", True),
        ("NEOCRTEC-1901", "NEOCRTEC1901", True),
        ("CHECKMATE-649", "CheckMate 649", True),
        ("ESO-SHANGHAI-13", "ESO-Shanghai 13", True),
        ("KEYNOTE-590", "KEYNOTE_590", True),
        ("KEYNOTE-590", "KEYNOTE-59", False),
        ("ESCORT-1ST", "ESCORT", False),
    ],
)
def test_trial_names_match_without_punctuation_and_case(gold_name, pred_name, same):
    s = run([gold(kind="trial", name=gold_name)], [pred(kind="trial", name=pred_name)])
    assert counts(s, "trial") == ((1, 0, 0) if same else (0, 1, 1))
    assert counts(s, "trial", "strict") == counts(s, "trial")  # trials have no strict fields


def test_outcome_trial_field_uses_the_trial_name_rule():
    g = gold(**OUTCOME, trial="RATIONALE-306")
    assert strict_failures(g, pred(**OUTCOME, trial="Rationale 306")) == []
    assert strict_failures(g, pred(**OUTCOME, trial="RATIONALE-301")) == ["trial"]
    assert strict_failures(g, pred(**OUTCOME, trial=None)) == ["trial"]
    assert strict_failures(gold(**OUTCOME, trial=None), pred(**OUTCOME, trial=None)) == []


# --------------------------------------------------------------------------- keys and tolerance


@pytest.mark.parametrize(
    ("gold_fields", "pred_fields", "same"),
    [
        (OUTCOME, {**OUTCOME, "value": 12.4 + 5e-7}, True),
        (OUTCOME, {**OUTCOME, "value": 12.4 - 9e-7}, True),
        (OUTCOME, {**OUTCOME, "value": 12.4 + 1e-4}, False),
        (OUTCOME, {**OUTCOME, "stat": "mean"}, False),
        (OUTCOME, {**OUTCOME, "unit": "week"}, False),
        (OUTCOME, {**OUTCOME, "endpoint": "PFS"}, False),
        (EFFECT, {**EFFECT, "p_value": 0.0001 + 4e-7}, True),
        (EFFECT, {**EFFECT, "p_value": None}, False),
        (EFFECT, {**EFFECT, "measure": "OR"}, False),
        (EFFECT, {**EFFECT, "value": 0.74}, False),
        # only a P value reported: measure and value null on both sides
        (
            {**EFFECT, "measure": None, "value": None, "p_value": 0.044},
            {**EFFECT, "measure": None, "value": None, "p_value": 0.044},
            True,
        ),
        ({**EFFECT, "p_value": None}, {**EFFECT, "p_value": None}, True),
        ({**EFFECT, "measure": None, "value": None}, EFFECT, False),
    ],
)
def test_keys_match_with_values_within_1e_6(gold_fields, pred_fields, same):
    assert loose_match(gold(**gold_fields), pred(**pred_fields)) is same
    s = run([gold(**gold_fields)], [pred(**pred_fields)])
    assert counts(s) == ((1, 0, 0) if same else (0, 1, 1))


def test_kinds_are_matched_separately():
    s = run([gold(kind="trial", name="OS")], [pred(**OUTCOME)])
    assert counts(s, "trial") == (0, 0, 1)
    assert counts(s, "outcome") == (0, 1, 0)


# --------------------------------------------------------------------------- one-to-one


def test_each_gold_record_is_matched_once():
    s = run([gold(**OUTCOME)], [pred(**OUTCOME), pred(**OUTCOME)])
    assert counts(s) == (1, 1, 0)


def test_duplicate_gold_records_need_duplicate_predictions():
    g = [gold(**OUTCOME, arm_role="experimental"), gold(**OUTCOME, arm_role="experimental")]
    assert counts(run(g, [pred(**OUTCOME)])) == (1, 0, 1)
    assert counts(run(g, [pred(**OUTCOME)] * 3)) == (2, 1, 0)


def test_matching_prefers_the_strict_partner_among_equal_keys():
    # A greedy in text order would pair the first gold with the first prediction
    # (KEYNOTE-590 with ESO-SHANGHAI-13) and get no strict match at all.
    g = [gold(**OUTCOME, trial="KEYNOTE-590"), gold(**OUTCOME, trial="ESO-SHANGHAI-13")]
    p = [pred(**OUTCOME, trial="ESO-Shanghai 13"), pred(**OUTCOME, trial="KEYNOTE 590")]
    s = run(g, p)
    assert counts(s, "outcome", "strict") == (2, 0, 0)
    assert s.errors == []


def test_strict_preference_needs_an_augmenting_path():
    # Gold A sets no strict field, so it accepts both predictions strictly; gold B accepts
    # only pred 0. Only A→1, B→0 gives 2 strict matches; first-come pairing gives 1.
    g = [gold(**OUTCOME), gold(**OUTCOME, arm_role="control", trial="X")]
    p = [pred(**OUTCOME, arm_role="control", trial="X"), pred(**OUTCOME, arm_role="experimental")]
    assert counts(run(g, p), "outcome", "strict") == (2, 0, 0)
    assert counts(run(g, list(reversed(p))), "outcome", "strict") == (2, 0, 0)


def test_required_gold_is_matched_before_optional():
    g = [gold(**OUTCOME, optional=True), gold(**OUTCOME)]
    s = run(g, [pred(**OUTCOME)])
    assert counts(s) == (1, 0, 0)
    assert s.summary.optional_matched == 0


# --------------------------------------------------------------------------- optional gold


def test_prediction_matching_optional_gold_is_neither_tp_nor_fp():
    s = run([gold(**OUTCOME, optional=True)], [pred(**OUTCOME)])
    assert counts(s) == (0, 0, 0) and counts(s, mode="strict") == (0, 0, 0)
    assert s.summary.optional_matched == 1
    assert s.overall["all"].strict.f1 == 1.0


def test_missing_optional_gold_costs_nothing():
    s = run([gold(**OUTCOME, optional=True), gold(**EFFECT)], [pred(**EFFECT)])
    assert counts(s) == (1, 0, 0)
    assert s.errors == []


def test_optional_gold_absorbs_one_prediction_only():
    s = run([gold(**OUTCOME, optional=True)], [pred(**OUTCOME), pred(**OUTCOME)])
    assert counts(s) == (0, 1, 0)


def test_optional_gold_absorbs_a_prediction_that_fails_strict_fields():
    s = run([gold(**OUTCOME, trial="KEYNOTE-590", optional=True)], [pred(**OUTCOME)])
    assert counts(s, mode="strict") == (0, 0, 0)


# --------------------------------------------------------------------------- strict fields


STRICT_CASES = [
    ("outcome", "trial", {"trial": "KEYNOTE-590"}, {"trial": None}),
    ("outcome", "trial", {"trial": None}, {"trial": "KEYNOTE-590"}),
    ("outcome", "timepoint_months", {"timepoint_months": 12}, {"timepoint_months": 24}),
    ("outcome", "timepoint_months", {"timepoint_months": 12}, {}),
    ("outcome", "value_high", {"value_high": 17.2}, {}),
    ("outcome", "value_high", {"value_high": 17.2}, {"value_high": 17.3}),
    ("outcome", "qualifier", {"qualifier": "<"}, {"qualifier": "="}),
    ("outcome", "qualifier", {"qualifier": "~"}, {"qualifier": "<="}),
    ("outcome", "arm_role", {"arm_role": "experimental"}, {"arm_role": "control"}),
    ("outcome", "arm_role", {"arm_role": "single"}, {}),
    ("effect", "trial", {"trial": "KEYNOTE-590"}, {"trial": "CHECKMATE-649"}),
    ("effect", "ci_low", {"ci_low": 0.62}, {"ci_low": 0.63}),
    ("effect", "ci_low", {"ci_low": 0.62}, {}),
    ("effect", "ci_high", {"ci_high": 0.86}, {"ci_high": 0.68}),
    ("effect", "p_qualifier", {"p_qualifier": "<"}, {"p_qualifier": "="}),
    ("effect", "p_qualifier", {"p_qualifier": None}, {"p_qualifier": "<"}),
    ("effect", "subgroup", {"subgroup": None}, {"subgroup": "PD-L1 CPS≥10 食管鳞癌"}),
    ("effect", "subgroup", {"subgroup": "PD-L1 CPS≥10 食管鳞癌"}, {"subgroup": None}),
]


@pytest.mark.parametrize(("kind", "field", "gold_extra", "pred_extra"), STRICT_CASES)
def test_each_strict_field_fails_a_strict_match(kind, field, gold_extra, pred_extra):
    base = OUTCOME if kind == "outcome" else EFFECT
    s = run([gold(**base, **gold_extra)], [pred(**base, **pred_extra)])
    assert counts(s, kind) == (1, 0, 0)
    assert counts(s, kind, "strict") == (0, 1, 1)
    assert s.field_failures[kind][field] == 1
    assert s.field_failures["all"][field] == 1
    assert sum(s.field_failures["all"].values()) == 1
    (err,) = s.errors
    assert err.type == "strict_mismatch" and err.fields == [field]
    assert err.diffs[field][0] == gold_extra[field]


@pytest.mark.parametrize(
    ("kind", "gold_extra", "pred_extra"),
    [
        ("outcome", {"timepoint_months": 12}, {"timepoint_months": 12 + 1e-7}),
        ("outcome", {"value_high": 17.2}, {"value_high": 17.2 + 5e-7}),
        ("effect", {"ci_low": 0.62, "ci_high": 0.86}, {"ci_low": 0.6200004, "ci_high": 0.86}),
        # subgroup only has to be non-null on both sides, not spelled the same
        ("effect", {"subgroup": "PD-L1 CPS≥10 食管鳞癌"}, {"subgroup": "CPS ≥ 10 ESCC"}),
        ("effect", {"subgroup": None}, {}),
    ],
)
def test_strict_fields_that_agree(kind, gold_extra, pred_extra):
    base = OUTCOME if kind == "outcome" else EFFECT
    s = run([gold(**base, **gold_extra)], [pred(**base, **pred_extra)])
    assert counts(s, kind, "strict") == (1, 0, 0)


def test_fields_gold_leaves_out_are_not_checked():
    g = gold(**OUTCOME)  # no trial, timepoint, value_high, qualifier, arm_role
    p = pred(
        **OUTCOME,
        trial="KEYNOTE-590",
        timepoint_months=12,
        value_high=17.2,
        qualifier="~",
        arm_role="control",
    )
    assert strict_failures(g, p) == []
    ge = gold(**EFFECT)
    pe = pred(**EFFECT, trial="X", ci_low=0.1, ci_high=0.9, p_qualifier="<", subgroup="x")
    assert strict_failures(ge, pe) == []


def test_a_field_gold_sets_to_its_default_is_checked():
    # "qualifier": "=" written out is a claim; left out it is not.
    g = gold(**OUTCOME, qualifier="=")
    assert strict_failures(g, pred(**OUTCOME, qualifier="<")) == ["qualifier"]


def test_several_failed_fields_count_once_each():
    g = gold(**EFFECT, trial="KEYNOTE-590", ci_low=0.62, ci_high=0.86)
    s = run([g], [pred(**EFFECT)])
    assert s.field_failures["effect"] == {
        "trial": 1,
        "ci_low": 1,
        "ci_high": 1,
        "p_qualifier": 0,
        "subgroup": 0,
    }
    assert s.summary.strict_mismatch == 1
    assert set(s.field_failures["all"]) == set(FIELDS)


# --------------------------------------------------------------------------- slices and listing


def test_micro_average_over_documents():
    g = {"a": [gold(**OUTCOME)], "b": [gold(**OUTCOME), gold(**EFFECT)]}
    p = {"a": [pred(**OUTCOME)], "b": [pred(**{**OUTCOME, "value": 1.0})]}
    s = evaluate(g, p)
    assert s.by_doc["a"]["all"].loose.f1 == 1.0
    assert (s.by_doc["b"]["all"].loose.tp, s.by_doc["b"]["all"].loose.fn) == (0, 2)
    o = s.overall["all"].loose
    assert (o.tp, o.fp, o.fn) == (1, 1, 2)
    assert o.precision == 0.5 and o.recall == pytest.approx(1 / 3)


def test_language_slices():
    g = [gold("zh", **OUTCOME), gold("en", **EFFECT), gold("en", kind="trial", name="KEYNOTE-590")]
    p = [pred("zh", **OUTCOME), pred("en", text=SENT_EN, **{**EFFECT, "value": 0.5})]
    s = run(g, p)
    assert s.by_lang["zh"]["all"].loose.f1 == 1.0
    en = s.by_lang["en"]["all"].loose
    assert (en.tp, en.fp, en.fn) == (0, 1, 2)


def test_a_matched_pair_counts_under_the_gold_language():
    s = run([gold("zh", **OUTCOME)], [pred("en", **OUTCOME)])
    assert set(s.by_lang) == {"zh"}


def test_listing_names_evidence_and_page():
    g = [
        gold(**OUTCOME, trial="KEYNOTE-590", text="mOS: 12.4个月 vs. 9.8个月", page=3),
        gold(**{**OUTCOME, "value": 9.8}, text="9.8个月", page=3),
    ]
    p = [
        pred(**OUTCOME, trial="CHECKMATE-649", page=4),
        pred(**{**EFFECT, "value": 0.57}, text="HR = 0.57", page=5),
    ]
    s = run(g, p)
    by_type = {e.type: e for e in s.errors}
    assert set(by_type) == {"false_positive", "false_negative", "strict_mismatch"}
    fn, fp, mm = by_type["false_negative"], by_type["false_positive"], by_type["strict_mismatch"]
    assert (fn.text, fn.page, fn.key, fn.pred) == ("9.8个月", 3, "OS median 9.8 month", None)
    assert (fp.text, fp.page, fp.gold) == ("HR = 0.57", 5, None)
    assert fp.pred["evidence"][0]["page"] == 5
    assert (mm.text, mm.page, mm.gold_page) == (SENT_ZH, 4, 3)
    assert mm.diffs == {"trial": ["KEYNOTE-590", "CHECKMATE-649"]}
    assert mm.gold == {
        **OUTCOME,
        "lang": "zh",
        "trial": "KEYNOTE-590",
        "text": "mOS: 12.4个月 vs. 9.8个月",
        "page": 3,
    }


def test_unpredicted_and_ungraded_documents():
    s = evaluate({"a": [gold(**OUTCOME)]}, {"b": [pred(**OUTCOME)]}, doc_info={"a": {"x": 1}})
    assert s.unscored == ["b"]
    assert counts(s) == (0, 0, 1)
    assert s.documents == {"a": {"x": 1}}


def test_gold_to_records_gives_stable_machine_records():
    a = gold_to_records(GOLD)
    b = gold_to_records(GOLD)
    assert [r.id for r in a["keynote_zh"]] == [r.id for r in b["keynote_zh"]]
    assert len({r.id for r in a["keynote_zh"]}) == len(a["keynote_zh"]) == 7
    first = a["keynote_zh"][0]
    assert (first.doc_id, first.evidence[0].text, first.evidence[0].page) == (
        "keynote_zh",
        SENT_ZH,
        2,
    )
    assert len(gold_to_records(GOLD, include_optional=True)["keynote_zh"]) == 8


def test_agreement_between_two_curations():
    b = {"d": [gold(**OUTCOME, trial="KEYNOTE-590"), gold(**EFFECT, ci_low=0.62)]}
    a = {
        "d": [
            gold(**OUTCOME, trial="KEYNOTE 590"),
            gold(**EFFECT, ci_low=0.63),
            gold(kind="trial", name="KEYNOTE-590"),
        ]
    }
    s = evaluate(b, gold_to_records(a))
    assert counts(s) == (2, 1, 0)
    assert counts(s, mode="strict") == (1, 2, 1)
    assert s.field_failures["effect"]["ci_low"] == 1


# --------------------------------------------------------------------------- optimality


def _brute_force(gs, ps) -> tuple[int, int, int]:
    """Best (required matched, strict matched, optional matched) over every matching."""
    best = (0, 0, 0)
    n = len(gs)
    for perm in itertools.permutations([*range(len(ps)), *[None] * n], n):
        score = [0, 0, 0]
        for i, j in enumerate(perm):
            if j is None or not loose_match(gs[i], ps[j]):
                continue
            if gs[i].optional:
                score[2] += 1
            else:
                score[0] += 1
                score[1] += not strict_failures(gs[i], ps[j])
        best = max(best, tuple(score))
    return best


def _objective(gs, ps, pairs) -> tuple[int, int, int]:
    req = [(i, j) for i, j in pairs if not gs[i].optional]
    return (
        len(req),
        sum(not strict_failures(gs[i], ps[j]) for i, j in req),
        len(pairs) - len(req),
    )


@pytest.mark.parametrize("seed", range(60))
def test_matching_is_optimal_on_random_cases(seed):
    rng = random.Random(seed)

    def rec(make, optional=False):
        extra = {}
        if rng.random() < 0.7:
            extra["trial"] = rng.choice(["A", "B", None])
        if rng.random() < 0.7:
            extra["arm_role"] = rng.choice(["experimental", "control"])
        value = rng.choice([1.0, 2.0, 2.0 + 4e-7])
        fields = {**OUTCOME, "value": value, **extra}
        return make(**fields, optional=True) if optional else make(**fields)

    gs = [rec(gold, optional=rng.random() < 0.25) for _ in range(rng.randint(1, 5))]
    ps = [rec(pred) for _ in range(rng.randint(1, 5))]
    pairs = match(gs, ps)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(loose_match(gs[i], ps[j]) for i, j in pairs)
    assert _objective(gs, ps, pairs) == _brute_force(gs, ps)


@pytest.mark.parametrize(
    ("weights", "best"),
    [
        ([[5, 1], [4, 0], [0, 3]], 8),  # more rows than columns
        ([[1, 2, 3]], 3),
        ([[0, 0], [0, 0]], 0),
        ([[7, 6, 0], [6, 0, 0], [0, 0, 1]], 13),
    ],
)
def test_assignment_finds_the_maximum(weights, best):
    cols = _max_weight_assignment(weights)
    used = [c for c in cols if c >= 0]
    assert len(used) == len(set(used))
    assert sum(weights[r][c] for r, c in enumerate(cols) if c >= 0) == best
