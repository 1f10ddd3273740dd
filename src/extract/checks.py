"""Consistency checks: an extracted number checked against itself and its neighbours.

Every check is one row of :data:`CHECKS`: its id (what lands in a record's ``flags``),
the sentence a curator reads, and its logic. :func:`check_records` runs the table over
one document's records and returns copies with their ``flags`` set; it never drops a
record nor changes any other field, so a check can only ask a curator to look.

A check judges numbers as they are written: a reported ``0.73`` may be anything from
0.725 to 0.735, so every comparison allows for the rounding of the digits shown
(:func:`_half_unit`). Checks about several records (``response_order``,
``landmark_increasing``, ``median_vs_hr``) compare only records that surely describe
the same arm of the same study: same trial (or, for an unnamed study, the same
citation numbers), same subgroup, and the arm written the same way or, failing that,
the same arm role.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from .records import trial_key

Rec = Mapping[str, Any]

RATIO_MEASURES = ("HR", "OR", "RR")
# time-to-event endpoints: a landmark rate can only fall with time, a longer median is better
SURVIVAL_ENDPOINTS = ("OS", "PFS", "DFS", "EFS", "RFS", "CSS", "DMFS", "LRFS", "LC", "TTP", "TTF")
# how lopsided a ratio's CI may be on the log scale (longer arm / shorter arm, after rounding)
LOG_ASYMMETRY_LIMIT = 1.15
# how far (in z) a reported P may sit from the one its CI gives: log-rank and score tests
# are not the Wald test the CI comes from, so agreement is approximate
P_Z_TOLERANCE = 0.5
P_Z_RELATIVE = 0.15
# a median "clearly" worse: shorter by more than this share
MEDIAN_MARGIN = 0.10

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Check:
    """One consistency check.

    Attributes:
        id: the flag a failing record gets (``estimate_outside_ci``).
        explanation: what it means, for a curator.
        scope: ``record`` (``fn(rec) -> bool``: True flags it) or ``document``
            (``fn(records) -> indices to flag``).
        fn: the logic.
    """

    id: str
    explanation: str
    scope: str
    fn: Callable[..., Any]


# -- helpers ---------------------------------------------------------------------


def _decimals(x: float) -> int:
    s = f"{abs(x):.10f}".rstrip("0")
    return len(s.split(".")[1]) if "." in s else 0


def _half_unit(x: float, decimals: int | None = None) -> float:
    """Half a unit of the last digit shown: 0.73 → 0.005, 12 → 0.5, 0.0001 → 0.00005."""
    return 0.5 * 10.0 ** (-(_decimals(x) if decimals is None else decimals))


def _span(x: float, decimals: int | None = None) -> tuple[float, float]:
    h = _half_unit(x, decimals)
    return x - h, x + h


def _triplet_decimals(*xs: float | None) -> int:
    """Digits an estimate and its CI bounds were written with: the most any of them shows.

    A number stored as a float has lost its trailing zeros ("1.00" is 1.0), and authors
    write an estimate and its bounds to the same precision, so the longest of the three
    tells how the others were rounded.
    """
    return max((_decimals(x) for x in xs if x is not None), default=0)


def _num(r: Rec, field: str) -> float | None:
    v = r.get(field)
    return None if v is None else float(v)


def _z_level(r: Rec) -> float:
    level = r.get("ci_level") or 0.95
    return _NORMAL.inv_cdf(1 - (1 - float(level)) / 2)


def _z_of_p(p: float) -> float:
    """Two-sided z of a P value (P clipped so that P = 0 or 1 stays finite)."""
    p = min(max(p, 1e-300), 1.0)
    return _NORMAL.inv_cdf(1 - p / 2) if p < 1 else 0.0


def _ratio_with_ci(r: Rec) -> tuple[float, float, float] | None:
    if r.get("measure") not in RATIO_MEASURES:
        return None
    v, lo, hi = _num(r, "value"), _num(r, "ci_low"), _num(r, "ci_high")
    if v is None or lo is None or hi is None or min(v, lo, hi) <= 0 or lo >= hi:
        return None
    return v, lo, hi


# -- record checks ---------------------------------------------------------------


def estimate_outside_ci(r: Rec) -> bool:
    if r.get("kind") not in ("outcome", "effect") or r.get("value_high") is not None:
        return False
    if r.get("kind") == "outcome" and r.get("qualifier", "=") != "=":
        return False
    v, lo, hi = _num(r, "value"), _num(r, "ci_low"), _num(r, "ci_high")
    if v is None or lo is None or hi is None:
        return False
    # rounding is monotone: a value inside its CI stays inside (or on a bound) once the three are
    # rounded alike, so the written numbers are compared as they are
    eps = 1e-9
    return lo > hi + eps or v < lo - eps or v > hi + eps


def _log_arms(
    v: float, lo: float, hi: float
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Ranges of ln(v/lo) and ln(hi/v) over the rounding of the three numbers."""
    d = _triplet_decimals(v, lo, hi)
    vl, vh = _span(v, d)
    ll, lh = _span(lo, d)
    hl, hh = _span(hi, d)
    if min(vl, ll, hl) <= 0:
        return None
    lower = (math.log(vl / lh), math.log(vh / ll))
    upper = (math.log(hl / vh), math.log(hh / vl))
    return lower, upper


def ci_not_log_symmetric(r: Rec) -> bool:
    got = _ratio_with_ci(r)
    if got is None or estimate_outside_ci(r):
        return False
    arms = _log_arms(*got)
    if arms is None:
        return False
    (l_min, l_max), (u_min, u_max) = arms
    if l_max <= 0 or u_max <= 0:
        return False
    # the most symmetric the interval can be, given how its numbers were rounded
    if u_min > l_max:
        ratio = u_min / max(l_max, 1e-12)
    elif l_min > u_max:
        ratio = l_min / max(u_max, 1e-12)
    else:
        return False
    return ratio > LOG_ASYMMETRY_LIMIT


def _z_from_ci_range(v: float, lo: float, hi: float, z_level: float) -> tuple[float, float]:
    """Smallest and largest |ln est| / SE over the rounding of estimate and bounds.

    The estimate is taken as written and as the CI's geometric midpoint, since the
    reported estimate is itself rounded (and the CI is centred on the unrounded one).
    """
    zs = []
    d = _triplet_decimals(v, lo, hi)
    ests = [*_span(v, d), math.sqrt(lo * hi)]
    for a in _span(lo, d):
        for b in _span(hi, d):
            if a <= 0 or b <= a:
                continue
            se = (math.log(b) - math.log(a)) / (2 * z_level)
            for e in ests:
                if e > 0:
                    zs.append(abs(math.log(e)) / se)
    return (min(zs), max(zs)) if zs else (math.nan, math.nan)


def p_inconsistent_with_ci(r: Rec) -> bool:
    got = _ratio_with_ci(r)
    p = _num(r, "p_value")
    if got is None or p is None or estimate_outside_ci(r):
        return False
    z_min, z_max = _z_from_ci_range(*got, _z_level(r))
    if math.isnan(z_min):
        return False
    q = r.get("p_qualifier") or "="

    def tol(z: float) -> float:
        return P_Z_TOLERANCE + P_Z_RELATIVE * z

    if q == "=":
        p_lo, p_hi = _span(p)
        z_rep_max, z_rep_min = _z_of_p(max(p_lo, 0.0)), _z_of_p(min(p_hi, 1.0))
        return z_rep_min > z_max + tol(z_max) or z_rep_max < z_min - tol(z_min)
    z_b = _z_of_p(p)
    if q in ("<", "<="):  # reported P below b: the CI's z must reach z(b)
        return z_max + tol(z_max) < z_b
    return z_min - tol(z_min) > z_b  # ">" / ">=": the CI's z must stay below z(b)


def p_side_of_one(r: Rec) -> bool:
    """A ratio's CI against its P, at the CI's own level (a 99.1% CI goes with P < 0.009).

    Only ratios: a difference's P in a pooled analysis is as often the heterogeneity test's
    ("WMD 15.11 g/l (95% CI 7.87 to 22.35, p=0.51)") as the effect's.
    """
    if r.get("measure") not in RATIO_MEASURES:
        return False
    v, lo, hi, p = _num(r, "value"), _num(r, "ci_low"), _num(r, "ci_high"), _num(r, "p_value")
    if lo is None or hi is None or p is None or lo > hi:
        return False
    alpha = round(1 - float(r.get("ci_level") or 0.95), 6)
    d = _triplet_decimals(v, lo, hi)
    q = r.get("p_qualifier") or "="
    excludes = _span(hi, d)[1] < 1 or _span(lo, d)[0] > 1
    includes = _span(lo, d)[1] < 1 < _span(hi, d)[0]
    not_significant = (q == "=" and p > alpha) or (q in (">", ">=") and p >= alpha)
    significant = (q == "=" and _span(p)[1] < alpha) or (q in ("<", "<=") and p <= alpha)
    return (excludes and not_significant) or (includes and significant)


def rate_out_of_range(r: Rec) -> bool:
    if r.get("kind") != "outcome" or r.get("unit") != "percent":
        return False
    low = -100.0 if r.get("stat") == "difference" else 0.0
    values = [_num(r, f) for f in ("value", "value_high", "ci_low", "ci_high")]
    return any(x is not None and not low <= x <= 100 for x in values)


def events_mismatch(r: Rec) -> bool:
    if r.get("kind") != "outcome" or r.get("unit") != "percent" or r.get("stat") != "rate":
        return False
    events, n, v = r.get("events"), r.get("n"), _num(r, "value")
    if events is None or n is None or v is None or r.get("qualifier", "=") != "=":
        return False
    if events > n:
        return True
    # one unit of the last digit shown: some authors truncate instead of rounding
    return abs(100.0 * events / n - v) > 2 * _half_unit(v) + 1e-9


# -- document checks ---------------------------------------------------------------


def _study(r: Rec) -> tuple | None:
    """Which study a result belongs to: its trial, else its citation numbers; None if unknown."""
    if r.get("trial"):
        return ("trial", trial_key(r["trial"]))
    if r.get("refs"):
        return ("refs", tuple(sorted(r["refs"])))
    return None


def _arm(r: Rec) -> tuple | None:
    if r.get("arm"):
        return ("arm", " ".join(str(r["arm"]).lower().split()))
    if r.get("arm_role"):
        return ("role", r["arm_role"])
    return None


def _first_sentence(r: Rec) -> tuple | None:
    """The sentence a record was read from (a gold record has only its ``text`` snippet)."""
    ev = r.get("evidence") or []
    if ev:
        return (ev[0].get("start"), ev[0].get("end"))
    return ("text", r["text"]) if r.get("text") else None


def _plain_rate(r: Rec) -> bool:
    return (
        r.get("kind") == "outcome"
        and r.get("stat") == "rate"
        and r.get("unit") == "percent"
        and r.get("qualifier", "=") == "="
        and r.get("value_high") is None
        and r.get("grade") is None
        and r.get("event") is None
    )


def _same_arm_groups(
    records: Sequence[Rec], keep: Callable[[Rec], bool], *, with_time: bool
) -> dict[tuple, list[int]]:
    """Indices of the records ``keep`` admits, grouped by study, subgroup, arm (and landmark)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if not keep(r):
            continue
        study = _study(r) or ("sentence", _first_sentence(r))
        arm = _arm(r)
        if arm is None:
            continue
        key = (study, r.get("subgroup"), arm, r.get("source", "text"))
        if with_time:
            key += (r.get("timepoint_months"),)
        groups[key].append(i)
    return groups


_RESPONSE_ORDER = ("CR", "ORR", "DCR")


def response_order(records: Sequence[Rec]) -> set[int]:
    groups = _same_arm_groups(
        records, lambda r: _plain_rate(r) and r.get("endpoint") in _RESPONSE_ORDER, with_time=True
    )
    bad: set[int] = set()
    for idx in groups.values():
        by_ep: dict[str, list[int]] = defaultdict(list)
        for i in idx:
            by_ep[records[i]["endpoint"]].append(i)
        for smaller, larger in (("CR", "ORR"), ("ORR", "DCR"), ("CR", "DCR")):
            for i in by_ep.get(smaller, []):
                for j in by_ep.get(larger, []):
                    if _span(float(records[i]["value"]))[0] > _span(float(records[j]["value"]))[1]:
                        bad.update((i, j))
    return bad


def landmark_increasing(records: Sequence[Rec]) -> set[int]:
    groups = _same_arm_groups(
        records,
        lambda r: (
            _plain_rate(r)
            and r.get("endpoint") in SURVIVAL_ENDPOINTS
            and r.get("timepoint_months") is not None
        ),
        with_time=False,
    )
    bad: set[int] = set()
    for idx in groups.values():
        by_ep: dict[str, list[int]] = defaultdict(list)
        for i in idx:
            by_ep[records[i]["endpoint"]].append(i)
        for same in by_ep.values():
            for i in same:
                for j in same:
                    ti, tj = records[i]["timepoint_months"], records[j]["timepoint_months"]
                    vi, vj = float(records[i]["value"]), float(records[j]["value"])
                    if ti < tj and _span(vi)[1] < _span(vj)[0]:
                        bad.update((i, j))
    return bad


def median_vs_hr(records: Sequence[Rec]) -> set[int]:
    bad: set[int] = set()
    medians: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, r in enumerate(records):
        if (
            r.get("kind") == "outcome"
            and r.get("stat") == "median"
            and r.get("qualifier", "=") == "="
            and r.get("endpoint") in SURVIVAL_ENDPOINTS
            and r.get("arm_role") in ("experimental", "control")
            and r.get("value_high") is None
        ):
            study = _study(r)
            scope = ("study", study) if study is not None else ("sentence", _first_sentence(r))
            key = (
                scope,
                r.get("endpoint"),
                r.get("subgroup"),
                r.get("unit"),
                r.get("source", "text"),
            )
            medians[key][r["arm_role"]].append(i)
    for i, r in enumerate(records):
        if (
            r.get("kind") != "effect"
            or r.get("measure") != "HR"
            or r.get("endpoint") not in SURVIVAL_ENDPOINTS
        ):
            continue
        lo, hi = _num(r, "ci_low"), _num(r, "ci_high")
        if lo is None or hi is None:
            continue
        benefit = _span(hi)[1] < 1
        harm = _span(lo)[0] > 1
        if not (benefit or harm):
            continue
        study = _study(r)
        scope = ("study", study) if study is not None else ("sentence", _first_sentence(r))
        for key, arms in medians.items():
            if key[0] != scope or key[1] != r.get("endpoint") or key[2] != r.get("subgroup"):
                continue
            if key[4] != r.get("source", "text"):
                continue
            exp, ctl = arms.get("experimental", []), arms.get("control", [])
            if len(exp) != 1 or len(ctl) != 1:
                continue  # several arms or data cuts: which pair the HR compares is unknown
            e, c = float(records[exp[0]]["value"]), float(records[ctl[0]]["value"])
            if (benefit and e < c * (1 - MEDIAN_MARGIN)) or (harm and e > c * (1 + MEDIAN_MARGIN)):
                bad.update((i, exp[0], ctl[0]))
    return bad


CHECKS: tuple[Check, ...] = (
    Check(
        "estimate_outside_ci",
        "The value lies outside its own confidence interval (or the interval's bounds are reversed): "
        "a digit is probably misread or transposed.",
        "record",
        estimate_outside_ci,
    ),
    Check(
        "ci_not_log_symmetric",
        "A hazard, odds or risk ratio's CI should be about symmetric around it on the log scale; this one "
        f"is more than {LOG_ASYMMETRY_LIMIT}× longer on one side, even allowing for rounding: check each "
        "bound for a typo.",
        "record",
        ci_not_log_symmetric,
    ),
    Check(
        "p_inconsistent_with_ci",
        "The P value recomputed from the ratio and its CI (z = ln(estimate)/SE, SE from the CI width at its "
        "level) is far from the reported P, beyond rounding and the usual test differences.",
        "record",
        p_inconsistent_with_ci,
    ),
    Check(
        "p_side_of_one",
        "A ratio's CI and its P value disagree about significance: the CI excludes 1 while P ≥ 0.05, or "
        "includes 1 while P < 0.05 (at the CI's own level: a 99% CI goes with 0.01).",
        "record",
        p_side_of_one,
    ),
    Check(
        "rate_out_of_range",
        "A percentage (value, range end or CI bound) outside 0–100.",
        "record",
        rate_out_of_range,
    ),
    Check(
        "events_mismatch",
        "The event count over the number of patients does not give the stated percentage, within rounding "
        "(or there are more events than patients).",
        "record",
        events_mismatch,
    ),
    Check(
        "response_order",
        "For one arm, complete response exceeds objective response, or objective response exceeds disease "
        "control: CR ⊆ ORR ⊆ DCR, so one of these numbers is wrong or belongs elsewhere.",
        "document",
        response_order,
    ),
    Check(
        "landmark_increasing",
        "A survival rate of one arm rises with time (e.g. 2-year OS above 1-year OS): survival curves never "
        "rise, so a timepoint or a value is wrong.",
        "document",
        landmark_increasing,
    ),
    Check(
        "median_vs_hr",
        "The hazard ratio is significant in one direction but the medians clearly point the other way "
        "(the experimental arm's median shorter while HR < 1, or longer while HR > 1): arms or values may "
        "be swapped.",
        "document",
        median_vs_hr,
    ),
)

CHECK_IDS: tuple[str, ...] = tuple(c.id for c in CHECKS)
EXPLANATIONS: dict[str, str] = {c.id: c.explanation for c in CHECKS}


def explain(flag: str) -> str:
    """The curator's explanation of a flag (the id itself for a flag no check here knows)."""
    return EXPLANATIONS.get(flag, flag)


def failed_checks(records: Sequence[Rec]) -> list[list[str]]:
    """The ids of the checks each record fails, in table order, parallel to ``records``."""
    out: list[list[str]] = [[] for _ in records]
    for check in CHECKS:
        if check.scope == "record":
            hits: Iterable[int] = (i for i, r in enumerate(records) if check.fn(r))
        else:
            hits = sorted(check.fn(records))
        for i in hits:
            out[i].append(check.id)
    return out


def check_records(records: Sequence[Rec]) -> list[dict[str, Any]]:
    """Copies of one document's records with ``flags`` set by :data:`CHECKS`.

    Flags a record already carries that no check here computes (set by a curator or an
    earlier stage) are kept; the checks' own flags are recomputed, so running twice
    gives the same result. Nothing else in a record changes, and none is dropped.
    """
    out = []
    for r, failed in zip(records, failed_checks(records), strict=True):
        kept = [f for f in (r.get("flags") or []) if f not in EXPLANATIONS]
        out.append({**r, "flags": kept + failed})
    return out
