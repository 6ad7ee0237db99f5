"""The interval columns of compliance_engagement (the model's `python_step`), and the
same estimates over any set of images (the gallery's whole-history view).

`store_intervals` is called by the runner after the model's rows of a window are
written, in the same transaction: it reads the images behind each 'estimated' row,
bootstraps the 95 % interval of its engagement-rate difference
(assets/analytics/bootstrap.py) and writes it beside the estimate. 'too_few' rows keep
null intervals: never a number. Each row's seed is derived from its key, so a re-run
writes the same interval and changes no row.
"""

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from assets.analytics.bootstrap import RESAMPLES, Interval, difference_interval, pooled_rate
from resources.sql_files import sql

if TYPE_CHECKING:
    from assets.analytics.models import Model
    from core.windows import Window

BASE_SEED = 20
BANDS = ("<70", "70-90", ">=90")


@dataclass(frozen=True)
class ImageWeek:
    """One scored image's counts on one platform over a week (or pooled weeks)."""

    band: str
    failed_rules: frozenset[str]
    impressions: int
    interactions: int
    clicks: int = 0

    def belongs_to(self, group_kind: str, group_name: str) -> bool:
        if group_kind == "band":
            return self.band == group_name
        return group_name in self.failed_rules


@dataclass(frozen=True)
class Minimum:
    images: int
    impressions: int

    def enough(self, images: int, impressions: int) -> bool:
        return impressions > 0 and images >= self.images and impressions >= self.impressions


@dataclass(frozen=True)
class GroupEstimate:
    group_kind: str
    group_name: str
    images: int
    impressions: int
    engagement_rate: float | None
    click_through_rate: float | None
    baseline_engagement_rate: float | None
    interval: Interval | None  # None: too few, never a number

    @property
    def too_few(self) -> bool:
        return self.interval is None

    @property
    def difference(self) -> float | None:
        if self.too_few or self.engagement_rate is None or self.baseline_engagement_rate is None:
            return None
        return self.engagement_rate - self.baseline_engagement_rate


def row_seed(*key: object) -> int:
    """A stable seed per row: the same key gives the same resamples in any process."""
    return BASE_SEED * 2**32 + zlib.crc32("/".join(str(part) for part in key).encode())


def _interval(
    cell: Sequence[ImageWeek], group_kind: str, group_name: str, seed: int, resamples: int
) -> tuple[int, Interval]:
    group = [image for image in cell if image.belongs_to(group_kind, group_name)]
    rest = [image for image in cell if not image.belongs_to(group_kind, group_name)]
    interval = difference_interval(
        ([i.impressions for i in group], [i.interactions for i in group]),
        ([i.impressions for i in rest], [i.interactions for i in rest]),
        seed=seed,
        resamples=resamples,
    )
    return len(group), interval


def estimate_groups(
    cell: Sequence[ImageWeek], minimum: Minimum, *seed_key: object, resamples: int = RESAMPLES
) -> list[GroupEstimate]:
    """Every band and failed rule of one organization and platform's images, as the
    model defines them, each with its bootstrap interval or too few."""
    names = [("band", band) for band in BANDS if any(i.band == band for i in cell)]
    names += [("failed_rule", rule) for rule in sorted({r for i in cell for r in i.failed_rules})]
    baseline = pooled_rate([i.impressions for i in cell], [i.interactions for i in cell])
    estimates = []
    for group_kind, name in names:
        group = [image for image in cell if image.belongs_to(group_kind, name)]
        shown = sum(i.impressions for i in group)
        interval = None
        if minimum.enough(len(group), shown):
            seed = row_seed(*seed_key, group_kind, name)
            interval = _interval(cell, group_kind, name, seed, resamples)[1]
        estimates.append(
            GroupEstimate(
                group_kind,
                name,
                len(group),
                shown,
                pooled_rate([i.impressions for i in group], [i.interactions for i in group]),
                pooled_rate([i.impressions for i in group], [i.clicks for i in group]),
                baseline,
                interval,
            )
        )
    return estimates


def read_minimum(conn: Connection) -> Minimum:
    row = conn.execute(sql("analytics/compliance_engagement_minimum")).one()
    return Minimum(int(row.images), int(row.impressions))


def read_image_weeks(conn: Connection, first_day: date, end_day: date) -> Iterable[dict]:
    """The scored images' counts per platform and complete ISO week in [first, end)."""
    bounds = {"first_day": first_day, "end_day": end_day}
    return conn.execute(sql("analytics/compliance_engagement_images"), bounds).mappings()


def as_image_week(row: dict) -> ImageWeek:
    return ImageWeek(
        row["band"],
        frozenset(row["failed_rules"]),
        int(row["impressions"]),
        int(row["interactions"]),
        int(row["clicks"]),
    )


def store_intervals(
    conn: Connection, model: "Model", window: "Window", *, resamples: int = RESAMPLES
) -> dict[str, int]:
    """Fill difference_low/high and resamples of the window's estimated rows."""
    images: dict[tuple, list[ImageWeek]] = defaultdict(list)
    for row in read_image_weeks(conn, window.first_day, window.end_day):
        images[(row["organization_id"], row["platform"], row["week_start"])].append(
            as_image_week(row)
        )
    bounds = {"first_day": window.first_day, "end_day": window.end_day}
    rows = conn.execute(sql("analytics/compliance_engagement_estimated"), bounds).mappings()
    updates = []
    for row in rows:
        cell = images[(row["organization_id"], row["platform"], row["week_start"])]
        seed = row_seed(*(row[name] for name in model.unique_key))
        count, interval = _interval(cell, row["group_kind"], row["group_name"], seed, resamples)
        if count != row["images"]:
            raise RuntimeError(
                f"compliance_engagement {dict(row)}: the model counts {row['images']} images, "
                f"the interval step finds {count}: the two definitions drifted apart"
            )
        updates.append(
            {
                "id": row["id"],
                "low": round(interval.low, 6),
                "high": round(interval.high, 6),
                "resamples": interval.resamples,
            }
        )
    if updates:
        conn.execute(sql("analytics/store_compliance_intervals"), updates)
    return {"intervals_computed": len(updates), "bootstrap_resamples": resamples}
