"""Daily platform metrics of the published demo images (content_analytics).

Impressions follow the usual social decay (a burst in the first days, then a
long tail down to nothing); interactions are drawn as one multinomial split
of the impressions, so likes + shares + comments + saves can never exceed
them. Rates are computed from the stored counts exactly as the analytics
stage defines them, and are null on days with no impressions.

Does brand compliance pay? (issue 20, the gallery's "Compliance vs engagement") In
the demo it does on some platforms only: on those in COMPLIANCE_EDGE an on-brand
image (compliance score 90 or more) draws that much more engagement per impression;
elsewhere compliance makes no difference. Every image also has its own mean-one
noise on its rates, so the edge is modest and noisy, as a real one would be.
"""

from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.db import insert_rows
from socialpipe.demo.history import DemoAsset
from socialpipe.demo.ids import HISTORY_DAYS, demo_id, rng_for
from socialpipe.demo.tenants import organization_id

# day-one impressions and per-impression rates: likes, shares, comments, saves, views, clicks
PLATFORM_PROFILES: dict[str, tuple[float, tuple[float, float, float, float], float, float]] = {
    "instagram": (4200, (0.045, 0.004, 0.003, 0.006), 0.62, 0.008),
    "facebook": (2600, (0.020, 0.005, 0.002, 0.001), 0.48, 0.012),
    "x": (3100, (0.012, 0.004, 0.002, 0.001), 0.35, 0.010),
    "linkedin": (1800, (0.018, 0.003, 0.003, 0.001), 0.55, 0.016),
    "pinterest": (2200, (0.006, 0.002, 0.001, 0.025), 0.70, 0.020),
    "tiktok": (8800, (0.060, 0.008, 0.004, 0.005), 0.90, 0.004),
    "youtube": (1500, (0.030, 0.002, 0.004, 0.002), 0.40, 0.045),
}


# the extra engagement per impression of an on-brand image, by platform
COMPLIANCE_EDGE = {"instagram": 0.25, "tiktok": 0.25}
ON_BRAND_SCORE = 90.0
# each image's own spread around its platform's rates (sigma of a mean-one lognormal)
IMAGE_SPREAD = 0.2


def engagement_multiplier(asset_id: object, platform: str, score: float | None) -> float:
    """How much an image's rates differ from its platform's: its own noise, times the
    platform's compliance edge when the image is on brand."""
    rng = rng_for(f"engagement-noise/{asset_id}")
    noise = float(rng.lognormal(-(IMAGE_SPREAD**2) / 2, IMAGE_SPREAD))
    on_brand = score is not None and score >= ON_BRAND_SCORE
    return noise * (1 + COMPLIANCE_EDGE.get(platform, 0.0) * on_brand)


def _daily_counts(
    rng: np.random.Generator, platform: str, days: int, multiplier: float = 1.0
) -> dict[str, np.ndarray]:
    peak, rates, view_rate, ctr = PLATFORM_PROFILES[platform]
    like, share, comment, save = (rate * multiplier for rate in rates)
    age = np.arange(days)
    weekend_bump = 1 + 0.15 * rng.random(days)
    # launch burst, then a long tail (search, profile visits) that fades to nothing
    decay = np.exp(-age / 3.0) + 0.01 * np.exp(-age / 12.0)
    expected = peak * float(rng.lognormal(0, 0.35)) * decay * weekend_bump + 0.2
    impressions = rng.poisson(expected)
    interactions = np.array(
        [
            rng.multinomial(n, [like, share, comment, save, 1 - like - share - comment - save])
            for n in impressions
        ]
    )
    return {
        "impressions": impressions,
        "views": rng.binomial(impressions, view_rate),
        "likes": interactions[:, 0],
        "shares": interactions[:, 1],
        "comments": interactions[:, 2],
        "saves": interactions[:, 3],
        "clicks": rng.binomial(impressions, ctr),
    }


def analytics_rows(asset: DemoAsset, published: datetime, anchor: date) -> list[dict[str, object]]:
    """One 'daily' row per day from publication to the anchor day (at most 45 days)."""
    first = max(published.date(), anchor - timedelta(days=HISTORY_DAYS - 1))
    days = min(45, (anchor - first).days + 1)
    if days <= 0:
        return []
    rng = rng_for(f"analytics/{asset.id}")
    multiplier = engagement_multiplier(asset.id, asset.platform, asset.compliance_score)
    counts = _daily_counts(rng, asset.platform, days, multiplier)
    post_id = f"{asset.platform}_{demo_id('post', asset.id).hex[:18]}"
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        values = {name: int(series[offset]) for name, series in counts.items()}
        impressions = values["impressions"]
        engaged = values["likes"] + values["shares"] + values["comments"] + values["saves"]
        rows.append(
            {
                "id": demo_id("analytics", asset.id, day.isoformat(), "daily"),
                "generated_asset_id": asset.id,
                "organization_id": organization_id(asset.request.organization),
                "platform": asset.platform,
                **values,
                # numeric(7, 6): rounded here so what is stored is what was computed
                "engagement_rate": round(engaged / impressions, 6) if impressions else None,
                "click_through_rate": round(values["clicks"] / impressions, 6)
                if impressions
                else None,
                "performance_date": day,
                "external_post_id": post_id,
                "published_at": published,
                # ingested the evening of the measured day
                "created_at": datetime.combine(day, datetime.min.time(), published.tzinfo)
                + timedelta(hours=23, minutes=30),
            }
        )
    return rows


def insert_analytics(conn: Connection, rows: list[dict[str, object]]) -> None:
    insert_rows(conn, sql("demo/insert_daily_analytics"), rows)
