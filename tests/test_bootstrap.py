"""The bootstrap interval of a group's engagement-rate difference (assets/analytics/
bootstrap.py) on synthetic data whose true difference is known: it covers the truth
in at least 90 % of 50 seeded data sets, contains 0 when there is no effect, and
excludes it when there is one (an interval is not right by being wide)."""

import numpy as np
import pytest

from assets.analytics.bootstrap import difference_interval, pooled_rate

GROUP_IMAGES, REST_IMAGES = 80, 160
RUNS = 50


def synthetic(seed: int, group_rate: float, rest_rate: float):
    """Images with impressions drawn at random and their own engagement probability
    around their side's rate (mean-one lognormal noise: images differ), interactions
    drawn from it. The true pooled difference is group_rate minus the baseline's
    expected pooled rate, since impressions do not depend on the rate."""
    rng = np.random.default_rng(seed)

    def side(images: int, rate: float):
        shown = rng.integers(300, 6000, size=images)
        spread = 0.35
        probability = np.clip(rate * rng.lognormal(-(spread**2) / 2, spread, images), 0, 1)
        return shown, rng.binomial(shown, probability)

    group, rest = side(GROUP_IMAGES, group_rate), side(REST_IMAGES, rest_rate)
    baseline = (GROUP_IMAGES * group_rate + REST_IMAGES * rest_rate) / (GROUP_IMAGES + REST_IMAGES)
    return group, rest, group_rate - baseline


@pytest.mark.parametrize(
    ("group_rate", "rest_rate"), [(0.050, 0.040), (0.040, 0.040)], ids=["effect", "no-effect"]
)
def test_the_interval_covers_the_true_difference_in_90_percent_of_runs(
    group_rate: float, rest_rate: float
) -> None:
    covered = excludes_zero = 0
    for seed in range(RUNS):
        group, rest, truth = synthetic(seed, group_rate, rest_rate)
        interval = difference_interval(group, rest, seed=1000 + seed, resamples=1000)
        covered += interval.contains(truth)
        excludes_zero += not interval.contains(0.0)
    assert covered >= 0.9 * RUNS
    if group_rate == rest_rate:
        # no effect: the interval contains 0 in at least 90 % of the runs
        assert RUNS - excludes_zero >= 0.9 * RUNS
    else:
        # an effect of this size is seen, not lost in a needlessly wide interval
        assert excludes_zero >= 0.9 * RUNS


def test_the_interval_is_around_the_pooled_estimate_and_reproducible() -> None:
    group, rest, _ = synthetic(3, 0.05, 0.04)
    first = difference_interval(group, rest, seed=11)
    estimate = pooled_rate(*group) - pooled_rate(
        np.concatenate([group[0], rest[0]]), np.concatenate([group[1], rest[1]])
    )
    assert first.low < estimate < first.high
    assert difference_interval(group, rest, seed=11) == first
    assert difference_interval(group, rest, seed=12) != first
    assert first.resamples == 2000


def test_the_group_alone_is_its_own_baseline() -> None:
    group, _, _ = synthetic(4, 0.05, 0.04)
    interval = difference_interval(group, ([], []), seed=1)
    assert interval.low == interval.high == 0.0


def test_fewer_than_1000_resamples_or_no_images_are_refused() -> None:
    group, rest, _ = synthetic(5, 0.05, 0.04)
    with pytest.raises(ValueError, match="at least 1000"):
        difference_interval(group, rest, seed=1, resamples=999)
    with pytest.raises(ValueError, match="no images"):
        difference_interval(([], []), rest, seed=1)
