"""What the "Compliance vs engagement" page shows: every complete week pooled per
organization and platform (the demo's history is too short for one week to say much),
estimated with the model's own definitions (assets/analytics/compliance_intervals.py),
and the stored weekly rows of compliance_engagement."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from assets.analytics.compliance_intervals import (
    GroupEstimate,
    ImageWeek,
    Minimum,
    as_image_week,
    estimate_groups,
    read_image_weeks,
    read_minimum,
)
from resources.sql_files import sql

WEEKS_SHOWN = 4
FIRST_DAY = date(2000, 1, 3)


@dataclass(frozen=True)
class PlatformView:
    organization: str
    platform: str
    images: int
    first_week: date
    last_week: date
    groups: list[GroupEstimate]


@dataclass(frozen=True)
class CompliancePage:
    minimum: Minimum
    platforms: list[PlatformView]  # whole history, by organization then platform
    weeks: list[dict]  # the stored band rows of the latest weeks


def pooled_history(rows: Sequence[dict]) -> dict[tuple[str, str], tuple[list[ImageWeek], list]]:
    """Each image's weeks summed into one ImageWeek per organization and platform."""
    per_image: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in rows:
        per_image[(row["organization_id"], row["platform"], row["generated_asset_id"])].append(row)
    cells: dict[tuple[str, str], tuple[list[ImageWeek], list]] = {}
    for (org, platform, _), weeks in sorted(per_image.items()):
        total = {
            "band": weeks[0]["band"],
            "failed_rules": weeks[0]["failed_rules"],
            **{n: sum(w[n] for w in weeks) for n in ("impressions", "interactions", "clicks")},
        }
        images, week_starts = cells.setdefault((org, platform), ([], []))
        images.append(as_image_week(total))
        week_starts.extend(w["week_start"] for w in weeks)
    return cells


def load_compliance(
    engine: Engine, organizations: Sequence[str] | None, today: date | None = None
) -> CompliancePage:
    slugs = list(organizations) if organizations else None
    end = today or datetime.now(UTC).date()
    with engine.connect() as conn:
        names = {
            row.id: row.name
            for row in conn.execute(sql("gallery/organizations"), {"organizations": slugs})
        }
        minimum = read_minimum(conn)
        rows = [r for r in read_image_weeks(conn, FIRST_DAY, end) if r["organization_id"] in names]
        weeks = [
            dict(row)
            for row in conn.execute(
                sql("gallery/compliance_weeks"), {"organizations": slugs, "weeks": WEEKS_SHOWN}
            ).mappings()
        ]
    views = []
    for (org, platform), (images, week_starts) in pooled_history(rows).items():
        views.append(
            PlatformView(
                names[org],
                platform,
                len(images),
                min(week_starts),
                max(week_starts),
                estimate_groups(images, minimum, org, platform, "history"),
            )
        )
    views.sort(key=lambda view: (view.organization, view.platform))
    return CompliancePage(minimum, views, weeks)
