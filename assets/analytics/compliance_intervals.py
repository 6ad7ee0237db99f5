"""The interval columns of compliance_engagement: the model's `python_step`.

Called by the runner after the model's rows of a window are written, in the same
transaction: reads the images behind each 'estimated' row, bootstraps the 95 %
interval of its engagement-rate difference (assets/analytics/bootstrap.py) and
writes it beside the estimate. 'too_few' rows keep null intervals: never a number.
Each row's seed is derived from its key, so a re-run writes the same interval and
changes no row.
"""

import zlib
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from assets.analytics.bootstrap import RESAMPLES, difference_interval
from resources.sql_files import sql

if TYPE_CHECKING:
    from assets.analytics.models import Model
    from assets.analytics.runner import Window

BASE_SEED = 20


@dataclass(frozen=True)
class ImageWeek:
    band: str
    failed_rules: frozenset[str]
    impressions: int
    interactions: int

    def belongs_to(self, grouping: str, group_name: str) -> bool:
        if grouping == "band":
            return self.band == group_name
        return group_name in self.failed_rules


def row_seed(*key: object) -> int:
    """A stable seed per row: the same key gives the same resamples in any process."""
    return BASE_SEED * 2**32 + zlib.crc32("/".join(str(part) for part in key).encode())


def store_intervals(
    conn: Connection, model: "Model", window: "Window", *, resamples: int = RESAMPLES
) -> dict[str, int]:
    """Fill difference_low/high and resamples of the window's estimated rows."""
    bounds = {"first_day": window.first_day, "end_day": window.end_day}
    images: dict[tuple, list[ImageWeek]] = defaultdict(list)
    for row in conn.execute(sql("analytics/compliance_engagement_images"), bounds).mappings():
        key = (row["organization_id"], row["platform"], row["week_start"])
        images[key].append(
            ImageWeek(
                row["band"],
                frozenset(row["failed_rules"]),
                int(row["impressions"]),
                int(row["interactions"]),
            )
        )
    rows = conn.execute(sql("analytics/compliance_engagement_estimated"), bounds).mappings()
    updates = []
    for row in rows:
        cell = images[(row["organization_id"], row["platform"], row["week_start"])]
        group = [image for image in cell if image.belongs_to(row["grouping"], row["group_name"])]
        rest = [image for image in cell if not image.belongs_to(row["grouping"], row["group_name"])]
        if len(group) != row["images"]:
            raise RuntimeError(
                f"compliance_engagement {dict(row)}: the model counts {row['images']} images, "
                f"the interval step finds {len(group)}: the two definitions drifted apart"
            )
        interval = difference_interval(
            ([i.impressions for i in group], [i.interactions for i in group]),
            ([i.impressions for i in rest], [i.interactions for i in rest]),
            seed=row_seed(*(row[name] for name in model.unique_key)),
            resamples=resamples,
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
