"""90 days of provider-call history (api_usage), built with numpy, loaded with COPY.

A few thousand calls a day across both organizations, with weekly seasonality,
a slow growth trend, two provider incident days, realistic failure mixes and
log-normal latencies. Costs follow the price list in system_settings; a call
that failed is not billed. Calls made while a demo request was processed
carry its id, its requester and that request's outcome.
"""

from datetime import UTC, date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from core.placements import platforms, primary_placement
from resources.sql_files import sql
from socialpipe.demo import usage_model as model
from socialpipe.demo.catalog import ORGANIZATIONS, members
from socialpipe.demo.db import as_json, copy_columns, copy_frame
from socialpipe.demo.ids import HISTORY_DAYS, demo_id, demo_id_strings, rng_for
from socialpipe.demo.requests import DemoRequest
from socialpipe.demo.tenants import organization_id, user_id

INTERACTIVE_ROLES = ("editor", "brand_manager", "admin")
# api_usage's columns in the order the COPY statement lists them, the frame's order
COLUMNS = tuple(copy_columns(sql("demo/copy_api_usage_stage")))


def _sample_org_calls(slug: str, anchor: date, incident_days: np.ndarray) -> pd.DataFrame:
    """Every call of one organization: when, which kind, how it went (before linking)."""
    traffic, rng = model.TRAFFIC[slug], rng_for(f"api_usage/{slug}")
    first = anchor - timedelta(days=HISTORY_DAYS - 1)
    days = np.arange(HISTORY_DAYS)
    dates = [first + timedelta(days=int(d)) for d in days]
    weekend = np.array([d.weekday() >= 5 for d in dates])
    expected = (
        traffic.weekday_calls
        * (0.92 + 0.08 * days / (HISTORY_DAYS - 1))
        * np.where(weekend, model.WEEKEND_FACTOR, 1.0)
        * rng.lognormal(0.0, 0.08, HISTORY_DAYS)
    )
    counts = rng.poisson(expected)
    n = int(counts.sum())
    day = np.repeat(days, counts)
    on_freepik = np.array([model.used_freepik(anchor, d) for d in dates])
    mix = np.where(on_freepik[day][:, None], traffic.early_mix, traffic.late_mix)
    kind = np.minimum((rng.random(n)[:, None] > np.cumsum(mix, axis=1)).sum(axis=1), 3)

    rates = np.array([k.failure_rates for k in model.KINDS])[kind]
    freepik = np.array([k.provider == "freepik" for k in model.KINDS])[kind]
    rates[:, 2] += np.where(np.isin(day, incident_days) & freepik, 0.15, 0.0)  # outage: 503s
    outcome = (rng.random(n)[:, None] >= np.cumsum(rates, axis=1)).sum(axis=1)
    hours = rng.choice(24, size=n, p=np.array(model.HOUR_WEIGHTS) / sum(model.HOUR_WEIGHTS))
    seconds = (hours + rng.random(n)) * 3600.0
    users = [user_id(u.username) for role in INTERACTIVE_ROLES for u in members(slug, role)]
    by_user = rng.random(n) < 0.3  # the rest were started by schedules and sensors
    return pd.DataFrame(
        {
            "slug": slug,
            "day": day,
            "index_in_day": np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts),
            "kind": kind,
            # 0: 429, 1: 500, 2: 503, 3: no response (timeout), 4: success
            "outcome": outcome,
            "request_timestamp": pd.Timestamp(first, tz=UTC)
            + pd.to_timedelta(day, unit="D")
            + pd.to_timedelta(seconds, unit="s"),
            "platform": rng.integers(len(platforms()), size=n),
            "requested": _requested_images(kind, rng),
            "latency_z": rng.standard_normal(n),
            "tokens_drawn": rng.poisson(np.array([k.prompt_tokens for k in model.KINDS])[kind]) + 8,
            "task": rng.integers(0, 2**63, size=n),
            "user_id": [
                users[i] if flag else None
                for i, flag in zip(rng.integers(len(users), size=n), by_user, strict=True)
            ],
            "content_request_id": None,
        }
    )


def _requested_images(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Images asked for per call: fixed per kind, except text-to-image's 1, 2 or 4."""
    requested = np.array([call.images[0] for call in model.KINDS])[kind]
    varied = kind == model.TEXT_TO_IMAGE
    call = model.KINDS[model.TEXT_TO_IMAGE]
    requested[varied] = rng.choice(call.images, size=int(varied.sum()), p=call.image_weights)
    return requested


def _link_requests(calls: pd.DataFrame, requests: list[DemoRequest], anchor: date) -> None:
    """Tie the calls made while each processed request ran to that request."""
    first = anchor - timedelta(days=HISTORY_DAYS - 1)
    for request in (r for r in requests if r.started_at is not None):
        day = (request.started_at.date() - first).days
        attempts = 4 if request.status == "failed" else len(request.platforms)
        free = calls.index[
            (calls["slug"] == request.organization)
            & (calls["day"] == day)
            & calls["content_request_id"].isna()
        ][:attempts]
        freepik_era = model.used_freepik(anchor, request.completed_at.date())
        calls.loc[free, "kind"] = model.TEXT_TO_IMAGE if freepik_era else model.LOCAL
        calls.loc[free, "outcome"] = 1 if request.status == "failed" else 4
        calls.loc[free, "requested"] = 1
        span = request.completed_at - request.started_at
        calls.loc[free, "request_timestamp"] = [
            request.started_at + span * (i + 1) / (attempts + 1) for i in range(len(free))
        ]
        calls.loc[free, "content_request_id"] = request.id
        calls.loc[free, "user_id"] = request.requested_by


def _parameters(calls: pd.DataFrame) -> list[str]:
    """request_parameters JSON: model, size and placement; never keys or prompts."""
    names = platforms()
    cache: dict[tuple[int, int, int], str] = {}
    out = []
    for kind, platform, requested, task in zip(
        calls["kind"], calls["platform"], calls["requested"], calls["task"], strict=True
    ):
        if kind == model.MYSTIC_POLL:
            out.append(as_json({"model": "mystic", "task_id": str(demo_id("mystic-task", task))}))
            continue
        key = (int(kind), int(platform), int(requested))
        if key not in cache:
            placement = primary_placement(names[platform])
            size = (
                f"{placement.width}x{placement.height}"
                if kind == model.LOCAL
                else model.FREEPIK_SIZES[placement.platform]
            )
            cache[key] = as_json(
                {
                    "model": model.KINDS[kind].model,
                    "size": size,
                    "num_images": int(requested),
                    "placement": placement.key,
                }
            )
        out.append(cache[key])
    return out


def _finish(calls: pd.DataFrame, anchor: date) -> pd.DataFrame:
    """Outcome-dependent columns (status, latency, cost, images) in api_usage's shape."""
    first = anchor - timedelta(days=HISTORY_DAYS - 1)
    kind, outcome = calls["kind"].to_numpy(), calls["outcome"].to_numpy()
    success = outcome == 4
    medians = np.array([k.median_ms for k in model.KINDS])[kind]
    sigmas = np.array([k.sigma for k in model.KINDS])[kind]
    # a 429 is refused at once; a 5xx comes back after the server gave up
    medians = np.select([outcome == 0, (outcome == 1) | (outcome == 2)], [60.0, 900.0], medians)
    latency = np.exp(np.log(medians) + sigmas * calls["latency_z"].to_numpy())
    latency = np.where(outcome == 3, model.TIMEOUT_MS, np.round(latency)).astype(np.int64)
    images = np.where(success, calls["requested"].to_numpy(), 0)
    prices = np.array([k.price_per_image for k in model.KINDS])[kind]
    prompts = np.array([k.prompt_tokens > 0 for k in model.KINDS])[kind]
    status = pd.array(np.array([429, 500, 503, 0, 200])[outcome], dtype="Int64")
    status[outcome == 3] = pd.NA  # no response arrived
    timestamps = calls["request_timestamp"]
    dates = [(first + timedelta(days=d)).isoformat() for d in range(HISTORY_DAYS)]
    org_ids = {org.slug: str(organization_id(org.slug)) for org in ORGANIZATIONS}
    return pd.DataFrame(
        {
            "id": demo_id_strings(
                f"api-usage/{slug}/{dates[day]}/{i}"
                for slug, day, i in zip(
                    calls["slug"], calls["day"], calls["index_in_day"], strict=True
                )
            ),
            "organization_id": calls["slug"].map(org_ids),
            "user_id": calls["user_id"].map(lambda u: None if u is None else str(u)),
            "content_request_id": calls["content_request_id"].map(
                lambda r: None if r is None or pd.isna(r) else str(r)
            ),
            "api_provider": np.array([k.provider for k in model.KINDS])[kind],
            "endpoint": np.array([k.endpoint for k in model.KINDS])[kind],
            "method": np.array([k.method for k in model.KINDS])[kind],
            "request_timestamp": timestamps,
            "request_parameters": _parameters(calls),
            "response_status": status,
            "response_time_ms": latency,
            "cost_per_request": np.round(prices * images, 6),
            "currency": "USD",
            "tokens_used": np.where(success & prompts, calls["tokens_drawn"].to_numpy(), 0),
            "images_generated": images,
            "created_at": timestamps + pd.to_timedelta(latency, unit="ms"),
        },
        columns=list(COLUMNS),
    )


def build_api_usage(anchor: date, requests: list[DemoRequest]) -> pd.DataFrame:
    """All api_usage rows of the window ending on ``anchor``, identical on every run."""
    incidents = rng_for("api_usage/incidents").choice(HISTORY_DAYS, size=2, replace=False)
    calls = pd.concat(
        [_sample_org_calls(org.slug, anchor, incidents) for org in ORGANIZATIONS], ignore_index=True
    )
    _link_requests(calls, requests, anchor)
    return _finish(calls, anchor)


def load_api_usage(conn: Connection, frame: pd.DataFrame) -> None:
    """COPY into a temporary table, then add the rows api_usage does not have yet."""
    conn.execute(sql("demo/create_api_usage_stage"))
    copy_frame(conn, sql("demo/copy_api_usage_stage"), frame)
    conn.execute(sql("demo/insert_api_usage_from_stage"))
    conn.execute(sql("demo/drop_api_usage_stage"))
