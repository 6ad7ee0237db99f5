"""compliance_engagement (issue 20): the pooled rates per band and failed rule equal an
independent recomputation in Python from the raw rows, groups under the minimums are
'too_few' and carry no number, the intervals are stored beside the estimates and a
re-run changes nothing, and the reconciliation check agrees."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

import numpy as np
import pytest
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, text

from assets.analytics.compliance_intervals import estimate_groups, read_image_weeks, read_minimum
from assets.analytics.models import load_models
from assets.analytics.reconcile import reconcile
from assets.analytics.runner import run_model
from core.windows import Window
from resources.settings.categories import normalize
from resources.settings.errors import InvalidSettingError
from socialpipe.gallery.compliance_load import pooled_history
from tests.factories import make_brand, make_org, make_request, make_user

# two ISO weeks long past: complete on any day the suite runs
WEEKS = (date(2019, 1, 7), date(2019, 1, 14))
WINDOW = Window.days(WEEKS[0], WEEKS[1] + timedelta(days=6))
MODEL = next(m for m in load_models() if m.name == "compliance_engagement")
SETTING = ("analytics", "compliance_engagement.minimum")


@dataclass
class Image:
    id: UUID
    score: float | None
    failed: tuple[str, ...]
    # (week, impressions, interactions, clicks) per daily row
    days: list[tuple[date, int, int, int]]


def _rules(failed: tuple[str, ...], as_mapping: bool) -> object:
    names = ("palette_adherence", "logo", "text_contrast", "platform_fit")
    rules = [{"rule": n, "passed": n not in failed, "weight": 0.25} for n in names]
    if as_mapping:
        return {rule.pop("rule"): rule for rule in rules}
    return rules


@dataclass
class World:
    org: UUID
    images: list[Image]


@pytest.fixture(scope="module")
def world(engine: Engine) -> Iterator[World]:
    rng = np.random.default_rng(7)
    images: list[Image] = []
    with engine.begin() as conn:
        user = make_user(conn)
        org = make_org(conn, user)
        brand = make_brand(conn, org, user)
        request = make_request(conn, org, brand, user)
        plan = [(95.0, 24), (80.0, 22), (60.0, 3), (None, 1)]
        for score, count in plan:
            for n in range(count):
                failed = ()
                if score == 95.0 and n % 4 == 0:
                    failed = ("text_contrast",)
                if score == 80.0 and n % 2 == 0:
                    failed = ("palette_adherence",) if n % 4 else ("palette_adherence", "logo")
                asset = conn.execute(
                    text(
                        "insert into generated_assets (content_request_id, brand_profile_id, "
                        "asset_name, platform, variant_type, compliance_score, compliance_details) "
                        "values (:request, :brand, :name, 'instagram', :variant, :score, :details) "
                        "returning id"
                    ),
                    {
                        "request": request,
                        "brand": brand,
                        "name": f"image {score} {n}",
                        # one request, one candidate per image: alternate_1, alternate_2 ...
                        "variant": f"alternate_{len(images) + 1}",
                        "score": score,
                        "details": Jsonb({"rules": _rules(failed, as_mapping=n % 3 == 0)}),
                    },
                ).scalar_one()
                days = []
                for offset in (0, 1, 2) + ((7,) if n % 2 else ()):
                    shown = int(rng.integers(200, 900))
                    engaged = int(rng.binomial(shown, 0.05 if score == 95.0 else 0.04))
                    days.append((WEEKS[0] + timedelta(days=offset), shown, engaged, shown // 50))
                images.append(Image(asset, score, failed, days))
                conn.execute(
                    text(
                        "insert into content_analytics (generated_asset_id, platform, impressions, "
                        "likes, shares, comments, saves, clicks, performance_date) "
                        "values (:asset, 'instagram', :shown, :likes, 1, 0, 0, :clicks, :day)"
                    ),
                    [
                        {"asset": asset, "shown": s, "likes": e - 1, "clicks": c, "day": d}
                        for d, s, e, c in days
                    ],
                )
    yield World(org, images)
    with engine.begin() as conn:
        conn.execute(text("delete from organizations where id = :org"), {"org": org})


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def expected_rows(world: World, min_images: int = 20, min_impressions: int = 5000) -> dict:
    """The rows recomputed in Python from what the fixture inserted."""
    rows = {}
    for week in WEEKS:
        per_image = {}
        for image in world.images:
            measured = [d for d in image.days if week <= d[0] < week + timedelta(days=7)]
            if image.score is None or not measured:
                continue
            per_image[image.id] = (image, *(sum(d[i] for d in measured) for i in (1, 2, 3)))
        baseline = [sum(v[i] for v in per_image.values()) for i in (1, 2, 3)]
        groups: dict[tuple[str, str], list] = {}
        for image, shown, engaged, clicks in per_image.values():
            band = "<70" if image.score < 70 else "70-90" if image.score < 90 else ">=90"
            groups.setdefault(("band", band), []).append((shown, engaged, clicks))
            for rule in image.failed:
                groups.setdefault(("failed_rule", rule), []).append((shown, engaged, clicks))
        for (group_kind, name), members in groups.items():
            shown, engaged, clicks = (sum(m[i] for m in members) for i in range(3))
            rate, ctr = _rate(engaged, shown), _rate(clicks, shown)
            base_rate, base_ctr = _rate(baseline[1], baseline[0]), _rate(baseline[2], baseline[0])
            enough = len(members) >= min_images and shown >= min_impressions
            rows[(week, group_kind, name)] = {
                "images": len(members),
                "impressions": shown,
                "interactions": engaged,
                "clicks": clicks,
                "engagement_rate": rate,
                "click_through_rate": ctr,
                "baseline_images": len(per_image),
                "baseline_impressions": baseline[0],
                "baseline_engagement_rate": base_rate,
                "baseline_click_through_rate": base_ctr,
                "evidence": "estimated" if enough else "too_few",
                "engagement_rate_difference": rate - base_rate if enough else None,
                "click_through_rate_difference": ctr - base_ctr if enough else None,
            }
    return rows


def stored_rows(engine: Engine, org: UUID) -> dict:
    with engine.connect() as conn:
        result = conn.execute(
            text("select * from compliance_engagement where organization_id = :org"), {"org": org}
        ).mappings()
        return {(r["week_start"], r["group_kind"], r["group_name"]): dict(r) for r in result}


def _set_minimum(engine: Engine, value: dict | None) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("delete from system_settings where category = :c and setting_key = :k"),
            dict(zip(("c", "k"), SETTING, strict=True)),
        )
        if value is not None:
            conn.execute(
                text(
                    "insert into system_settings (category, setting_key, setting_value) "
                    "values (:c, :k, :v)"
                ),
                {"c": SETTING[0], "k": SETTING[1], "v": Jsonb(value)},
            )


def test_pooled_rates_equal_an_independent_recomputation(engine: Engine, world: World) -> None:
    run_model(engine, MODEL, WINDOW)

    stored = stored_rows(engine, world.org)
    expected = expected_rows(world)
    assert set(stored) == set(expected)
    for key, values in expected.items():
        assert {name: stored[key][name] for name in values} == values, key
    # both cases are present: a group with an estimate, and one with too few images
    assert {row["evidence"] for row in stored.values()} == {"estimated", "too_few"}
    with engine.connect() as conn:
        assert reconcile(conn, MODEL, WINDOW, MODEL.not_null).success


def test_intervals_sit_beside_estimates_and_too_few_is_never_a_number(
    engine: Engine, world: World
) -> None:
    run_model(engine, MODEL, WINDOW)

    for key, row in stored_rows(engine, world.org).items():
        if row["evidence"] == "too_few":
            numbers = ("engagement_rate_difference", "click_through_rate_difference")
            assert all(row[name] is None for name in (*numbers, "difference_low", "resamples"))
            assert row["difference_high"] is None, key
        else:
            assert row["resamples"] >= 1000
            assert row["difference_low"] <= row["difference_high"], key
            # the interval is around the estimate it belongs to (pooled vs rounded rates)
            margin = Decimal("0.000002")
            assert row["difference_low"] - margin <= row["engagement_rate_difference"]
            assert row["engagement_rate_difference"] <= row["difference_high"] + margin


def _versions(engine: Engine, org: UUID) -> dict:
    with engine.connect() as conn:
        query = "select id, xmin::text from compliance_engagement where organization_id = :org"
        return dict(conn.execute(text(query), {"org": org}).tuples().all())


def test_a_rerun_writes_the_same_intervals_and_rewrites_no_row(
    engine: Engine, world: World
) -> None:
    run_model(engine, MODEL, WINDOW)
    first, versions = stored_rows(engine, world.org), _versions(engine, world.org)
    again = run_model(engine, MODEL, WINDOW)
    assert stored_rows(engine, world.org) == first
    # not even the intervals: the estimates are unchanged, so is every row version
    assert _versions(engine, world.org) == versions
    assert (again.rows_inserted, again.rows_updated, again.rows_deleted) == (0, 0, 0)


def test_the_minimums_come_from_the_system_setting(engine: Engine, world: World) -> None:
    try:
        _set_minimum(engine, {"images": 2, "impressions": 100})
        run_model(engine, MODEL, WINDOW)
        stored = stored_rows(engine, world.org)
        expected = expected_rows(world, min_images=2, min_impressions=100)
        assert {k: r["evidence"] for k, r in stored.items()} == {
            k: r["evidence"] for k, r in expected.items()
        }
        with engine.connect() as conn:
            assert reconcile(conn, MODEL, WINDOW, MODEL.not_null).success
    finally:
        _set_minimum(engine, None)
        run_model(engine, MODEL, WINDOW)


def test_the_reconciliation_catches_a_changed_rate(engine: Engine, world: World) -> None:
    run_model(engine, MODEL, WINDOW)
    with engine.begin() as conn:
        conn.execute(
            text(
                "update compliance_engagement set engagement_rate = engagement_rate + 0.000001 "
                "where organization_id = :org and group_name = '>=90'"
            ),
            {"org": world.org},
        )
        result = reconcile(conn, MODEL, WINDOW, MODEL.not_null)
    assert not result.success
    assert {d.column for d in result.differences} == {"engagement_rate"}
    run_model(engine, MODEL, WINDOW)


def test_the_gallerys_pooled_view_of_one_week_equals_the_stored_week(
    engine: Engine, world: World
) -> None:
    """The page pools every week in Python with the model's definitions: over a single
    week it must give the model's rows (counts, rates, too few or not)."""
    run_model(engine, MODEL, WINDOW)
    week = WEEKS[0]
    with engine.connect() as conn:
        minimum = read_minimum(conn)
        rows = [
            r
            for r in read_image_weeks(conn, week, week + timedelta(days=7))
            if r["organization_id"] == str(world.org)
        ]
    ((images, _),) = pooled_history(rows).values()
    stored = {k[1:]: r for k, r in stored_rows(engine, world.org).items() if k[0] == week}
    estimates = estimate_groups(images, minimum, "test")
    assert {(e.group_kind, e.group_name) for e in estimates} == set(stored)
    six = Decimal("0.000001")
    for estimate in estimates:
        row = stored[(estimate.group_kind, estimate.group_name)]
        assert estimate.images == row["images"]
        assert estimate.impressions == row["impressions"]
        rate = Decimal(estimate.engagement_rate).quantize(six, rounding=ROUND_HALF_UP)
        assert rate == row["engagement_rate"]
        assert estimate.too_few == (row["evidence"] == "too_few")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"images": "many", "impressions": 5000}, "images"),
        ({"images": 0, "impressions": 5000}, "images"),
        ({"images": 20}, "impressions"),
        ({"images": 20, "impressions": 5000, "clicks": 3}, "clicks"),
    ],
)
def test_a_bad_minimum_is_refused_before_it_is_stored(value: dict, reason: str) -> None:
    with pytest.raises(
        InvalidSettingError, match=f"analytics/compliance_engagement.minimum: .*{reason}"
    ):
        normalize(*SETTING, value, "json")
    assert normalize(*SETTING, {"images": 5, "impressions": 0}, "json") == {
        "images": 5,
        "impressions": 0,
    }
