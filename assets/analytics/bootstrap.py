"""A seeded bootstrap interval for the difference between a group's pooled rate and its
baseline's, resampling images. Plain numpy, no database, no Dagster.

The baseline is the group plus the rest of the images; the group and the rest are
resampled separately (a stratified bootstrap), so every resample keeps the group's
size and the difference is always defined. Rates are pooled: the sum of a resample's
interactions over the sum of its impressions, as the stored rates are.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RESAMPLES = 2000
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    resamples: int

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def pooled_rate(impressions: Sequence[int], interactions: Sequence[int]) -> float | None:
    """Sum of interactions over sum of impressions; None without impressions."""
    shown = float(np.sum(impressions, dtype=np.float64))
    return float(np.sum(interactions, dtype=np.float64)) / shown if shown else None


def _resampled_sums(
    rng: np.random.Generator, impressions: np.ndarray, interactions: np.ndarray, resamples: int
) -> tuple[np.ndarray, np.ndarray]:
    if impressions.size == 0:
        return np.zeros(resamples), np.zeros(resamples)
    drawn = rng.integers(0, impressions.size, size=(resamples, impressions.size))
    return impressions[drawn].sum(axis=1), interactions[drawn].sum(axis=1)


def difference_interval(
    group: tuple[Sequence[int], Sequence[int]],
    rest: tuple[Sequence[int], Sequence[int]],
    *,
    seed: int,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> Interval:
    """The percentile interval of (group's pooled rate - baseline's pooled rate), where
    the baseline is group + rest; each side is (impressions, interactions) per image."""
    if resamples < 1000:
        raise ValueError(f"resamples: at least 1000 for a 95 % interval, got {resamples}")
    group_shown, group_engaged = (np.asarray(values, dtype=np.float64) for values in group)
    rest_shown, rest_engaged = (np.asarray(values, dtype=np.float64) for values in rest)
    if group_shown.size == 0:
        raise ValueError("the group has no images")
    rng = np.random.default_rng(seed)
    shown, engaged = _resampled_sums(rng, group_shown, group_engaged, resamples)
    other_shown, other_engaged = _resampled_sums(rng, rest_shown, rest_engaged, resamples)
    with np.errstate(divide="ignore", invalid="ignore"):
        differences = engaged / shown - (engaged + other_engaged) / (shown + other_shown)
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(differences, [tail, 100 - tail])
    return Interval(float(low), float(high), resamples)
