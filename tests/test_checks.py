"""Consistency checks (``extract.checks``) on real records: the gold corpus's, as curated.

Each row names the gold file and a snippet of the record's sentence; the record is the
gold record itself, so what is checked is exactly what the article says. Inconsistent
rows are real inconsistencies in the articles (``corpus/gold/NOTES.md``, "Consistency
flags on gold records"); the planted-typo tests take every gold ratio with its CI and
every gold percentage with its count, put in the slips a reader makes, and expect a flag.
"""

from __future__ import annotations

import math
from functools import cache

import pytest
from corpus_paths import CORPUS

from extract.checks import CHECK_IDS, CHECKS, check_records, explain, failed_checks
from extract.report import load_gold_file

GOLD = CORPUS / "gold"


@cache
def _gold(stem: str) -> tuple[dict, ...]:
    return tuple(r.model_dump() for r in load_gold_file(GOLD / f"{stem}.jsonl"))


def gold(stem: str, snippet: str, **fields) -> dict:
    """The one gold record of ``stem`` whose sentence holds ``snippet`` and has ``fields``."""
    found = [
        r
        for r in _gold(stem)
        if snippet in (r.get("text") or "") and all(r.get(k) == v for k, v in fields.items())
    ]
    # a value the abstract and the results both report is two identical records
    distinct = {
        repr(sorted((k, v) for k, v in r.items() if k not in ("text", "page"))) for r in found
    }
    assert found and len(distinct) == 1, (
        f"{stem}: {len(found)} gold records for {snippet!r} {fields}"
    )
    return dict(found[0])


def flags_of(rec: dict, others: tuple[dict, ...] = ()) -> list[str]:
    return failed_checks([rec, *others])[0]


CONSISTENT = [
    # (gold file, snippet of its sentence, fields that single the record out)
    (
        "000_05e11c3b259efc19",
        "mOS: 12.4个月 vs. 9.8个月",
        {"kind": "effect"},
    ),  # HR 0.73 (0.62~0.86) P<0.0001
    ("zh_review_gastric_immunotherapy", "98.4%CI：0.59～0.86", {"kind": "effect"}),
    ("zh_review_gastric_immunotherapy", "单侧P＝0.006", {"kind": "effect"}),  # a one-sided P
    (
        "zh_review_sclc_immunotherapy",
        "0.68～1.00，P=0.045",
        {"kind": "effect"},
    ),  # "1.00" lost its zeros
    (
        "en_review_renal_first_line",
        "99.1% CI 0.64–1.05; P=0.03",
        {"kind": "effect"},
    ),  # P vs a 99.1% CI
    ("en_review_melanoma_checkpoint", "P = 0.00049", {"kind": "effect"}),
    ("zh_review_hcc_systemic", "0.708～0.997，P=0.0227", {"kind": "effect"}),
    ("en_review_gastric_io", "95% CI, 8.0% to 16.1%", {"endpoint": "ORR"}),  # a rate and its own CI
    ("ChinaXiv-201712.00037V1", "( 1 6 / 3 3 )", {"value": 48.48}),  # 48.48% (16/33)
    ("ChinaXiv-201712.00463V1", "1 1 . 2 5", {"value": 11.25}),  # 11.25% (9/80)
]


@pytest.mark.parametrize(("stem", "snippet", "fields"), CONSISTENT)
def test_a_consistent_real_record_raises_no_flag(stem, snippet, fields):
    rec = gold(stem, snippet, **fields)
    assert flags_of(rec) == []


INCONSISTENT = [
    # (gold file, snippet, fields, the flag): each a slip in the published article
    ("PMC3405220", "156 days (95% CI, 174.1–269.3 days)", {"value": 156.0}, "estimate_outside_ci"),
    ("PMC3456942", "30.6 months (95 % CI, 13.4–22.0 months)", {}, "estimate_outside_ci"),
    (
        "PMC3427491",
        "HR 0.975 (95 % CI 0.655, 1.451; p = 0.475)",
        {"value": 0.975},
        "p_inconsistent_with_ci",
    ),
    ("PMC4101294", "(95% CI, 0.44-5.35)", {}, "ci_not_log_symmetric"),
    ("PMC5013640", "HR = 2.67 [1.08, 3.70]", {"value": 2.67}, "ci_not_log_symmetric"),
    ("PMC4101294", "8 of 17 (23.53%)", {"value": 23.53}, "events_mismatch"),  # 8/17 is 47.06%
    ("PMC4914313", "Hyperglycaemia", {"value": 71.4}, "events_mismatch"),  # 5 of "n = 6"
]


@pytest.mark.parametrize(("stem", "snippet", "fields", "flag"), INCONSISTENT)
def test_a_real_inconsistency_is_flagged(stem, snippet, fields, flag):
    rec = gold(stem, snippet, **fields)
    assert flag in flags_of(rec)


def test_a_ci_at_another_level_judges_p_at_that_level():
    # CheckMate 214: HR 0.82, 99.1% CI 0.64–1.05, P=0.03 — consistent at 99.1%, not at 95%
    rec = gold("en_review_renal_first_line", "99.1% CI 0.64–1.05", kind="effect")
    assert "p_side_of_one" not in flags_of(rec)
    assert "p_side_of_one" in flags_of({**rec, "ci_level": 0.95})


def test_p_on_the_wrong_side_of_one_is_flagged():
    # KEYNOTE-062: HR 0.85 (95% CI 0.70～1.03, P=0.05) fits; the same CI with P=0.02 does not
    rec = gold("zh_review_gastric_immunotherapy", "0.70～1.03，P=0.05", kind="effect")
    assert flags_of(rec) == []
    assert "p_side_of_one" in flags_of({**rec, "p_value": 0.02})
    # ATTRACTION-4 OS: HR 0.90 (0.75～1.08; P=0.26); the same CI with P=0.026 claims significance
    rec = gold("zh_review_gastric_immunotherapy", "0.75～1.08；P=0.26", kind="effect")
    assert "p_side_of_one" in flags_of({**rec, "p_value": 0.026})


# -- checks across records: real groups, and the same groups with one slip -------------


def test_response_rates_in_order_pass_and_a_cr_above_orr_is_flagged():
    # KEYNOTE-059: "客观缓解率（ORR）为11.6%，完全缓解率为2.3%"
    orr = gold("zh_review_gastric_immunotherapy", "完全缓解率为2.3%", endpoint="ORR")
    cr = gold("zh_review_gastric_immunotherapy", "完全缓解率为2.3%", endpoint="CR")
    assert failed_checks([orr, cr]) == [[], []]
    swapped = failed_checks([{**orr, "value": 2.3}, {**cr, "value": 11.6}])
    assert swapped == [["response_order"], ["response_order"]]


def test_response_order_compares_one_arm_only():
    # Zhao et al.: ORR 40.8%, DCR 75.5% in one cohort; another cohort's DCR is not compared
    orr = gold("000_05e11c3b259efc19", "全组的ORR为40.8%", endpoint="ORR")
    dcr = gold("000_05e11c3b259efc19", "全组的ORR为40.8%", endpoint="DCR")
    assert failed_checks([orr, dcr]) == [[], []]
    assert failed_checks([orr, {**dcr, "value": 30.8}])[0] == ["response_order"]
    other = {**dcr, "value": 30.8, "refs": ["28"], "arm": "放疗同步或序贯以PD-1为基础的全身治疗"}
    assert failed_checks([orr, other]) == [[], []]


def test_landmark_rates_falling_pass_and_a_rising_one_is_flagged():
    # "1年、2年PFS率分别为61.4%和26.7%"
    one = gold("000_05e11c3b259efc19", "1年、2年PFS率分别为61.4%和26.7%", timepoint_months=12.0)
    two = gold("000_05e11c3b259efc19", "1年、2年PFS率分别为61.4%和26.7%", timepoint_months=24.0)
    assert failed_checks([one, two]) == [[], []]
    assert failed_checks(
        [{**one, "timepoint_months": 24.0}, {**two, "timepoint_months": 12.0}]
    ) == [["landmark_increasing"], ["landmark_increasing"]]


def _attraction2():
    # en_review_gastric_io: "Median overall survival was 5.26 months with nivolumab versus 4.14 months
    # with placebo (HR 0.63, 95% CI 0.51–0.78; P<0.0001)"; the gold medians carry the arms
    hr = gold("en_review_gastric_io", "5.26 months with nivolumab", kind="effect")
    exp = {
        **hr,
        "kind": "outcome",
        "stat": "median",
        "value": 5.26,
        "unit": "month",
        "qualifier": "=",
        "arm": "nivolumab",
        "arm_role": "experimental",
        "value_high": None,
        "ci_level": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "p_qualifier": None,
    }
    ctl = {**exp, "value": 4.14, "arm": "placebo", "arm_role": "control"}
    return hr, exp, ctl


def test_medians_agreeing_with_the_hr_pass_and_swapped_arms_are_flagged():
    hr, exp, ctl = _attraction2()
    assert failed_checks([hr, exp, ctl]) == [[], [], []]
    swapped = failed_checks([hr, {**exp, "value": 4.14}, {**ctl, "value": 5.26}])
    assert swapped == [["median_vs_hr"]] * 3


def test_medians_close_together_are_not_a_contradiction():
    # ATTRACTION-4 OS 17.45 vs 17.15 months: medians within 10% say nothing against an HR
    hr, exp, ctl = _attraction2()
    assert failed_checks([hr, {**exp, "value": 4.0}, {**ctl, "value": 4.14}]) == [[], [], []]


# -- planted typos: every real ratio with a CI, every real percentage with its count ------


def _ratios_with_ci() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(GOLD.glob("*.jsonl")):
        for r in _gold(path.stem):
            if (
                r["kind"] == "effect"
                and r.get("measure") in ("HR", "OR", "RR")
                and r.get("value")
                and r.get("ci_low")
                and r.get("ci_high")
                and not flags_of(r)
            ):
                out.append((path.stem, r))
    return out


def _digits(x: float) -> str:
    return f"{x:.10f}".rstrip("0").rstrip(".")


def _transpose(x: float) -> float | None:
    """Swap the first two significant digits: 0.62 → 0.26, 1.45 → 4.15; None when they are equal."""
    s = _digits(x)
    pos = [
        i
        for i, ch in enumerate(s)
        if ch.isdigit() and (ch != "0" or any(c in "123456789" for c in s[:i]))
    ]
    if len(pos) < 2 or s[pos[0]] == s[pos[1]]:
        return None
    a, b = pos[0], pos[1]
    t = list(s)
    t[a], t[b] = t[b], t[a]
    y = float("".join(t))
    return y if y > 0 else None


def _plants(r: dict) -> list[tuple[str, dict]]:
    v, lo, hi = r["value"], r["ci_low"], r["ci_high"]
    plants = [
        ("upper bound ×10", {"ci_high": hi * 10}),
        ("lower bound ÷10", {"ci_low": lo / 10}),
    ]
    for field, x in (("value", v), ("ci_low", lo), ("ci_high", hi)):
        t = _transpose(x)
        # a transposition that leaves the number near its old value (1.01 → 1.10) is no slip
        if t is not None and abs(math.log(t / x)) > math.log(1.5):
            plants.append((f"{field} {x:g} → {t:g}", {field: t}))
    if r.get("p_value") is not None:
        # a P on the other side of significance than the CI
        excludes = hi < 1 or lo > 1
        plants.append(
            (
                "P contradicts the CI",
                {"p_value": 0.42, "p_qualifier": "="}
                if excludes
                else {"p_value": 0.001, "p_qualifier": "<"},
            )
        )
    return plants


RATIOS = _ratios_with_ci()


def test_the_planted_typo_corpus_is_large():
    assert len(RATIOS) >= 200  # every gold ratio with a CI, both languages
    assert {r["lang"] for _, r in RATIOS} == {"zh", "en"}


@pytest.mark.parametrize(
    ("stem", "rec"), RATIOS, ids=[f"{s}:{r.get('text', '')[:30]}" for s, r in RATIOS]
)
def test_every_planted_typo_in_a_real_ratio_is_flagged(stem, rec):
    missed = [what for what, change in _plants(rec) if not flags_of({**rec, **change})]
    assert not missed, f"{stem}: {rec.get('text')!r}: not flagged: {missed}"


def _rates_with_counts() -> list[tuple[str, dict]]:
    return [
        (path.stem, r)
        for path in sorted(GOLD.glob("*.jsonl"))
        for r in _gold(path.stem)
        if r["kind"] == "outcome"
        and r.get("unit") == "percent"
        and r.get("events")
        and r.get("n")
        and not flags_of(r)
    ]


RATES = _rates_with_counts()


@pytest.mark.parametrize(
    ("stem", "rec"), RATES, ids=[f"{s}:{r.get('text', '')[:30]}" for s, r in RATES]
)
def test_every_planted_slip_in_a_real_percentage_is_flagged(stem, rec):
    v, events = rec["value"], rec["events"]
    plants = [("percent ×10", {"value": v * 10})] if v * 10 > 100 else []
    t = _transpose(float(events))
    if t is not None and abs(t - events) >= 2:
        plants.append((f"events {events} → {t:g}", {"events": int(t)}))
    tv = _transpose(v)
    if tv is not None and abs(tv - v) > 1:
        plants.append((f"percent {v:g} → {tv:g}", {"value": tv}))
    missed = [what for what, change in plants if not flags_of({**rec, **change})]
    assert not missed, f"{stem}: {rec.get('text')!r}: not flagged: {missed}"


# -- the table and what running it may change ------------------------------------------


def test_every_check_has_an_id_and_an_explanation():
    assert len(set(CHECK_IDS)) == len(CHECKS)
    for c in CHECKS:
        assert c.scope in ("record", "document")
        assert len(c.explanation) > 40 and explain(c.id) == c.explanation


def test_checks_only_add_flags_and_never_drop_or_change_a_record():
    recs = [dict(r) for r in _gold("PMC4101294")]
    out = check_records(recs)
    assert len(out) == len(recs)
    for before, after in zip(recs, out, strict=True):
        assert {k: v for k, v in after.items() if k != "flags"} == {
            k: v for k, v in before.items() if k != "flags"
        }
    assert sum(bool(r["flags"]) for r in out) >= 2
    assert check_records(out) == out  # running twice gives the same flags


def test_a_flag_no_check_computes_is_kept():
    rec = gold("PMC3456942", "30.6 months")
    out = check_records([{**rec, "flags": ["curator_doubt"]}])[0]
    assert out["flags"] == ["curator_doubt", "estimate_outside_ci"]
