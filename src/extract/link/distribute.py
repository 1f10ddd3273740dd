"""Distribution: how a group of several values spreads over what the sentence lists.

"分别 / respectively" spreads a group over as many listed endpoints ("PFS和OS分别为…");
a group as long as its endpoint's landmark list spreads over the timepoints
("1年、2年OS率分别为…"); a group after as many trials named together spreads over the
trials ("KEYNOTE-189和KEYNOTE-407研究中…分别为…"). Otherwise a group of two or more is
a comparison of arms, governed by the last endpoint listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..recognize import SentenceSpans
from ..recognize.arms import find_arms
from ..recognize.endpoints import EndpointMention
from ..recognize.numbers import Value
from ..recognize.trials import TrialMention
from ..records import trial_key
from .rules import rx


@dataclass(frozen=True)
class Distribution:
    over: str | None  # endpoints | timepoints | trials | None (a comparison of arms, or one value)
    endpoints: tuple[EndpointMention, ...]
    trials: tuple[TrialMention, ...]
    rule_id: str


def distribute(
    text: str,
    s: SentenceSpans,
    vals: tuple[Value, ...],
    endpoints: list[EndpointMention],
    rule_id: str,
) -> Distribution:
    k, start, end = len(vals), vals[0].start, vals[-1].end
    eps = tuple(endpoints)
    if k > 1 and len(eps) == k and spread_over_endpoints(text, s, eps):
        return Distribution("endpoints", eps, (), "result.respectively_endpoints.v1")
    if k > 1 and len(eps) == 1 and len(eps[0].timepoints) == k:
        return Distribution("timepoints", eps, (), "result.respectively_timepoints.v1")
    trials = _distinct_trials([m for m in s.trials if m.end <= start])
    if (
        k > 1
        and len(trials) >= k
        and rx("link.trials_together.v1").search(text, s.start, min(s.end, end + 20))
        and not find_arms(text, trials[-1].end, start)
    ):
        return Distribution("trials", eps, tuple(trials[-k:]), "result.respectively_trials.v1")
    return Distribution(None, eps[-1:], (), rule_id)


def spread_over_endpoints(text: str, s: SentenceSpans, eps: Sequence[EndpointMention]) -> bool:
    """Do values listed after these endpoints spread over them? With "respectively" (分别), or
    when they are one endpoint's two statistics ("the mean and median survival time was 41.29
    and 44.56 months"): values of one endpoint's mean and median are never arms."""
    paired = (
        len(eps) == 2 and eps[0].code == eps[1].code and {e.stat for e in eps} == {"mean", "median"}
    )
    return paired or bool(rx("link.respectively.v1").search(text, s.start, s.end))


def _distinct_trials(mentions: list[TrialMention]) -> list[TrialMention]:
    out: list[TrialMention] = []
    for m in mentions:
        if all(trial_key(m.name) != trial_key(x.name) for x in out):
            out.append(m)
    return out
