"""The demo data loader (`socialpipe seed demo`): complete, consistent, idempotent.

One migrated database is loaded twice (the second time "on another day") and
every test reads what the loads left behind. Two more fresh databases check
that a failing load writes nothing and that foreign rows are not trampled.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine, text

from core.placements import all_placements, primary_placement
from resources.database import pipeline_engine
from resources.migrations import upgrade
from socialpipe.demo import DemoDataConflictError, load_demo_data
from socialpipe.demo import api_usage as api_usage_module

FIRST_TODAY = date(2025, 3, 15)
ANCHOR = FIRST_TODAY - timedelta(days=1)  # history ends the day before the first load
TABLES = (
    "users",
    "organizations",
    "user_organizations",
    "brand_profiles",
    "brand_assets",
    "content_templates",
    "approval_workflows",
    "content_requests",
    "generated_assets",
    "content_approvals",
    "content_analytics",
    "api_usage",
    "user_activity_logs",
    "background_jobs",
    "system_settings",
)


@dataclass
class DemoLoad:
    engine: Engine
    media_dir: Path
    first_counts: dict[str, int]
    second_counts: dict[str, int]
    first_checksums: dict[str, str]
    second_checksums: dict[str, str]


def _checksums(engine: Engine) -> dict[str, str]:
    """An md5 over every row of each table, in id order: equal means identical rows."""
    sums = {}
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for table in TABLES:
            query = sql.SQL(
                "select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from {} as t"
            ).format(sql.Identifier(table))
            sums[table] = cursor.execute(query).fetchone()[0]
    return sums


@pytest.fixture(scope="module")
def demo(make_database: Callable[[], str], tmp_path_factory) -> Iterator[DemoLoad]:
    url = make_database()
    upgrade(url)
    # the pipeline's own role, as `socialpipe seed demo` would connect
    engine = pipeline_engine(url)
    media_dir = tmp_path_factory.mktemp("media")
    first = load_demo_data(engine, media_dir, today=FIRST_TODAY)
    first_sums = _checksums(engine)
    second = load_demo_data(engine, media_dir, today=FIRST_TODAY + timedelta(days=9))
    yield DemoLoad(engine, media_dir, first, second, first_sums, _checksums(engine))
    engine.dispose()


@pytest.fixture
def db(demo: DemoLoad) -> Iterator[Connection]:
    """A connection to the loaded demo database (its own name: conftest's conn is another DB)."""
    with demo.engine.connect() as connection:
        yield connection


def rows(conn: Connection, query: str, **params: object) -> list[dict]:
    return [dict(row) for row in conn.execute(text(query), params).mappings()]


def test_second_load_changes_nothing(demo: DemoLoad) -> None:
    assert demo.second_counts == demo.first_counts
    assert demo.second_checksums == demo.first_checksums


def test_history_end_date_is_kept_from_the_first_load(db: Connection) -> None:
    stored = db.execute(
        text(
            "select setting_value #>> '{}' from system_settings "
            "where category = 'demo' and setting_key = 'history_end_date'"
        )
    ).scalar_one()
    assert date.fromisoformat(stored) == ANCHOR


def test_counts_match_the_spec(demo: DemoLoad, db: Connection) -> None:
    counts = demo.first_counts
    assert counts["organizations"] == 2
    assert counts["content_requests"] == 50
    assert 2 <= counts["brand_profiles"] <= 3
    assert counts["content_templates"] == len(all_placements()) * counts["brand_profiles"]
    assert 10 <= counts["generated_assets"] <= 20
    for table in TABLES:
        assert counts[table] > 0, table
    slugs = db.execute(text("select slug from organizations order by slug")).scalars().all()
    assert slugs == ["lumen-fitness", "northwind-coffee"]


def test_every_brand_has_a_template_per_placement(db: Connection) -> None:
    expected = {(p.platform, p.placement) for p in all_placements()}
    found = rows(
        db,
        """
        select brand_profile_id, count(*) as n,
               array_agg(platform || '.' || (format_specifications ->> 'placement')) as placements
        from content_templates group by brand_profile_id
        """,
    )
    for brand in found:
        assert brand["n"] == len(expected)  # no duplicates
        assert {tuple(key.split(".")) for key in brand["placements"]} == expected


def test_roles_levels_and_statuses_cover_the_vocabularies(db: Connection) -> None:
    roles = set(db.execute(text("select distinct role from user_organizations")).scalars())
    assert roles == {"owner", "admin", "brand_manager", "editor", "approver", "viewer"}
    assert set(db.execute(text("select distinct role from users")).scalars()) == {
        "admin",
        "user",
    }
    levels = set(db.execute(text("select enforcement_level from brand_profiles")).scalars())
    assert levels == {"strict", "moderate", "lenient"}
    statuses = dict(
        db.execute(text("select status, count(*) from content_requests group by 1")).all()
    )
    assert max(statuses, key=statuses.get) == "submitted"
    assert {"draft", "queued", "completed", "cancelled", "failed", "approved"} <= set(statuses)
    missing_creator = db.execute(
        text(
            "select (select count(*) from organizations where created_by is null)"
            " + (select count(*) from brand_profiles where created_by is null)"
            " + (select count(*) from content_templates where created_by is null)"
        )
    ).scalar_one()
    assert missing_creator == 0


def test_palettes_have_named_roles(db: Connection) -> None:
    for brand in rows(db, "select * from brand_profiles"):
        palette = brand["color_palette"]
        assert {swatch["role"] for swatch in palette} >= {"primary", "secondary", "accent"}
        by_role = {swatch["role"]: swatch["hex"] for swatch in palette}
        assert by_role["primary"] == brand["primary_color"]
        assert brand["logo_primary_url"].startswith("file://")


def test_requests_use_a_template_of_their_brand_and_first_platform(db: Connection) -> None:
    found = rows(
        db,
        """
        select r.*, t.platform as template_platform, t.brand_profile_id as template_brand
        from content_requests r join content_templates t on t.id = r.template_id
        """,
    )
    assert len(found) == 50
    for request in found:
        assert 1 <= len(request["target_platforms"]) <= 3
        assert len(set(request["target_platforms"])) == len(request["target_platforms"])
        assert request["template_platform"] == request["target_platforms"][0]
        assert request["template_brand"] == request["brand_profile_id"]
        assert 1 <= request["style_preferences"]["num_images"] <= 3
        assert request["keywords"] and request["content_brief"]
        if request["status"] in ("completed", "approved"):
            assert request["processing_completed_at"] >= request["processing_started_at"]


def test_completed_requests_have_one_primary_image_per_platform(db: Connection) -> None:
    found = rows(
        db,
        """
        select r.id, r.target_platforms, array_agg(g.platform order by g.platform) as platforms,
               array_agg(g.dimensions order by g.platform) as dimensions
        from content_requests r join generated_assets g on g.content_request_id = r.id
        where r.status = 'completed' and g.variant_type = 'primary'
        group by r.id
        """,
    )
    assert len(found) == 10
    for request in found:
        assert sorted(request["target_platforms"]) == request["platforms"]
        for platform, dimensions in zip(request["platforms"], request["dimensions"], strict=True):
            placement = primary_placement(platform)
            # the history's files are JPEGs at the primary size (the file's own record)
            assert dimensions == {
                "width": placement.width,
                "height": placement.height,
                "format": "jpeg",
            }


def test_media_files_exist_and_decode_at_their_recorded_size(
    demo: DemoLoad, db: Connection
) -> None:
    found = rows(
        db,
        "select asset_type, file_path, file_size_bytes, dimensions from brand_assets"
        " union all"
        " select asset_type, file_path, file_size_bytes, dimensions from generated_assets",
    )
    assert len(found) >= 9 + 10
    for row in found:
        path = demo.media_dir / row["file_path"]
        assert path.is_file(), row["file_path"]
        assert path.stat().st_size == row["file_size_bytes"]
        with Image.open(path) as image:
            image.load()
            assert image.size == (row["dimensions"]["width"], row["dimensions"]["height"])
            if row["asset_type"] == "logo":
                assert image.mode == "RGBA"
                assert image.getpixel((0, 0))[3] == 0  # transparent background
    assert not list(demo.media_dir.rglob("*.tmp"))  # no half-written files left behind


def _inside(zone: dict, width: int, height: int) -> bool:
    return (
        zone["x"] >= 0
        and zone["y"] >= 0
        and zone["x"] + zone["width"] <= width
        and zone["y"] + zone["height"] <= height
        and zone["width"] > 0
        and zone["height"] > 0
    )


def test_template_zones_lie_inside_the_canvas_and_outside_safe_areas(db: Connection) -> None:
    safe = {(p.platform, p.placement): p.safe_area_px for p in all_placements()}
    templates = rows(db, "select * from content_templates")
    assert any(safe[(t["platform"], t["format_specifications"]["placement"])] for t in templates)
    for template in templates:
        spec = template["format_specifications"]
        width, height = spec["width"], spec["height"]
        names = [zone["name"] for zone in template["text_zones"]]
        assert names == ["headline", "body", "cta"]
        assert [zone["name"] for zone in template["image_zones"]] == ["logo", "background"]
        band = safe[(template["platform"], spec["placement"])]
        top, bottom = band.get("top", 0), height - band.get("bottom", 0)
        for zone in template["text_zones"] + template["image_zones"]:
            assert _inside(zone, width, height), (template["name"], zone)
            if zone["name"] != "background":
                assert zone["y"] >= top and zone["y"] + zone["height"] <= bottom, zone
        assert template["image_zones"][1] == {
            "name": "background",
            "x": 0,
            "y": 0,
            "width": width,
            "height": height,
        }
        if template["platform"] == "pinterest":
            assert template["template_type"] == "pin"
        if spec["placement"] == "story":
            assert template["template_type"] == "story"


def test_analytics_rates_are_consistent(db: Connection) -> None:
    found = rows(db, "select * from content_analytics")
    assert found
    for row in found:
        engaged = row["likes"] + row["shares"] + row["comments"] + row["saves"]
        assert engaged <= row["impressions"]
        assert row["clicks"] <= row["impressions"] and row["views"] <= row["impressions"]
        assert row["measurement_period"] == "daily"
        assert ANCHOR - timedelta(days=89) <= row["performance_date"] <= ANCHOR
        assert row["published_at"].date() <= row["performance_date"]
        if row["impressions"] == 0:
            assert row["engagement_rate"] is None and row["click_through_rate"] is None
        else:
            assert abs(float(row["engagement_rate"]) - engaged / row["impressions"]) < 1e-6
            ctr = row["clicks"] / row["impressions"]
            assert abs(float(row["click_through_rate"]) - ctr) < 1e-6


def test_api_usage_covers_ninety_days_with_failures_and_both_providers(db: Connection) -> None:
    per_day = dict(
        db.execute(
            text(
                "select (request_timestamp at time zone 'UTC')::date, count(*)"
                " from api_usage group by 1"
            )
        ).all()
    )
    assert min(per_day) == ANCHOR - timedelta(days=89) and max(per_day) == ANCHOR
    assert sum(count >= 1000 for count in per_day.values()) >= 80
    stats = rows(
        db,
        """
        select count(*) as n,
               count(*) filter (where response_status is null or response_status >= 400)
                 as failed,
               array_agg(distinct api_provider) as providers,
               array_agg(distinct response_status) as statuses
        from api_usage
        """,
    )[0]
    assert set(stats["providers"]) == {"freepik", "local"}
    assert {429, 500, 503, None} <= set(stats["statuses"])
    assert 0.03 <= stats["failed"] / stats["n"] <= 0.08


def test_api_usage_costs_follow_the_price_list(db: Connection) -> None:
    prices = dict(
        db.execute(
            text(
                "select setting_key, (setting_value ->> 'per_image')::numeric"
                " from system_settings where category = 'pricing'"
            )
        ).all()
    )
    wrong = rows(
        db,
        """
        select api_provider, endpoint, response_status, cost_per_request, images_generated
        from api_usage
        where currency <> 'USD'
           or ((response_status is null or response_status >= 400)
               and (cost_per_request <> 0 or images_generated <> 0))
           or (api_provider = 'local' and cost_per_request <> 0)
           or (endpoint = '/v1/ai/text-to-image'
               and cost_per_request <> images_generated * :text_to_image)
           or (endpoint = '/v1/ai/mystic' and cost_per_request <> images_generated * :mystic)
           or request_parameters::text ~* '(api[_-]?key|secret|password|authorization)'
        limit 5
        """,
        text_to_image=prices["freepik.classic-fast"],
        mystic=prices["freepik.mystic"],
    )
    assert wrong == []
    linked = db.execute(
        text("select count(*) from api_usage where content_request_id is not null")
    ).scalar_one()
    assert linked > 0


def test_activity_and_jobs_are_present(db: Connection) -> None:
    ips = db.execute(
        text("select count(*) from user_activity_logs where ip_address is not null")
    ).scalar_one()
    assert ips > 0
    jobs = dict(db.execute(text("select status, count(*) from background_jobs group by 1")).all())
    assert set(jobs) == {"succeeded", "failed"}
    unexplained = db.execute(
        text(
            "select count(*) from background_jobs where status = 'failed' and error_message is null"
        )
    ).scalar_one()
    assert unexplained == 0


def test_a_failing_load_writes_no_rows(
    make_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_database()
    upgrade(url)
    engine = create_engine(url)

    def crash(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(api_usage_module, "load_api_usage", crash)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            load_demo_data(engine, tmp_path, today=FIRST_TODAY)
        with engine.connect() as conn:
            written = conn.execute(
                text(
                    "select (select count(*) from users) + (select count(*) from organizations)"
                    " + (select count(*) from content_requests)"
                    " + (select count(*) from system_settings)"
                )
            ).scalar_one()
        assert written == 0
    finally:
        engine.dispose()


def test_refuses_to_load_over_a_foreign_organization_with_a_demo_slug(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "insert into organizations (name, slug) values ('Real Lumen', 'lumen-fitness')"
                )
            )
        with pytest.raises(DemoDataConflictError, match="lumen-fitness"):
            load_demo_data(engine, tmp_path, today=FIRST_TODAY)
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from organizations")).scalar_one() == 1
    finally:
        engine.dispose()


def test_a_demo_template_from_an_earlier_version_takes_this_versions_layout(
    demo: DemoLoad, db: Connection
) -> None:
    # e.g. a TikTok template written before its overlay bands were known
    stale = [{"name": "headline", "x": 0, "y": 0, "width": 1080, "height": 300}]
    tiktok = "select id, text_zones, updated_at from content_templates where platform = 'tiktok'"
    before = rows(db, tiktok)
    target = before[0]["id"]
    with demo.engine.begin() as conn:
        conn.execute(
            text("update content_templates set text_zones = cast(:z as jsonb) where id = :id"),
            {"z": json.dumps(stale), "id": target},
        )
    load_demo_data(demo.engine, demo.media_dir, today=FIRST_TODAY + timedelta(days=9))
    after = {row["id"]: row for row in rows(db, tiktok)}
    assert after[target]["text_zones"] == before[0]["text_zones"] != stale
    # the templates that were already current are not written again
    for row in before[1:]:
        assert after[row["id"]]["updated_at"] == row["updated_at"]
