"""great-expectations checks: they pass on good data, fail on bad data, and the blocking
ones keep a bad day of metrics from flowing into the rollups."""

from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import text

from assets.analytics.checks import (
    CONTENT_ANALYTICS_COLUMNS,
    CONTENT_ANALYTICS_DERIVED,
    CONTENT_ANALYTICS_EXPECTATIONS,
)
from assets.analytics.expectations import in_database, validate, validate_rows, with_derived_columns
from assets.analytics.models import load_models
from assets.analytics.reconcile import reconcile
from assets.analytics.runner import partition_frame, run_model
from assets.analytics.window_checks import reconcile_in_database
from core.windows import Window

pytest_plugins = ["tests.analytics_world"]

MODELS = {model.name: model for model in load_models()}


def _validate_model(name: str, frame: pd.DataFrame):
    model = MODELS[name]
    return validate(with_derived_columns(frame, model.derived_columns), model.expectations, name)


def _failed(validation) -> set[tuple[str, str]]:
    return {
        (o.expectation.type, str(o.expectation.kwargs.get("column") or o.expectation.kwargs))
        for o in validation.failed
    }


def test_model_suites_pass_on_the_backfilled_days(analytics_world, backfilled) -> None:
    window = Window.days(analytics_world.first_day, analytics_world.last_day)
    with analytics_world.engine.connect() as conn:
        for name, model in MODELS.items():
            frame = partition_frame(conn, model, window if model.partitioned else None)
            validation = _validate_model(name, frame)
            assert validation.success, validation.markdown()
            assert validation.rows == len(frame) > 0


def test_the_usage_suite_fails_on_bad_rows() -> None:
    good = {
        "organization_id": "a",
        "usage_date": "2025-01-01",
        "api_provider": "freepik",
        "currency": "USD",
        "total_requests": 10,
        "successful_requests": 8,
        "failed_requests": 2,
        "total_cost": Decimal("1.5"),
        "total_tokens": 100,
        "total_images_generated": 8,
        "average_response_time_ms": 400,
        "error_rate": Decimal("0.2"),
    }
    bad = [
        {**good, "organization_id": None},
        {**good, "api_provider": "local", "error_rate": Decimal("1.5")},
        {**good, "api_provider": "x", "total_cost": Decimal("-1")},
        {**good, "api_provider": "y", "successful_requests": 9},  # 9 + 2 != 10
    ]
    assert _validate_model("daily_usage_summaries", pd.DataFrame([good])).success
    validation = _validate_model("daily_usage_summaries", pd.DataFrame([good, *bad]))
    assert not validation.success
    assert _failed(validation) == {
        ("expect_column_values_to_not_be_null", "organization_id"),
        ("expect_column_values_to_be_between", "error_rate"),
        ("expect_column_values_to_be_between", "total_cost"),
        (
            "expect_column_pair_values_to_be_equal",
            str({"column_A": "accounted_requests", "column_B": "total_requests"}),
        ),
    }
    assert "FAILED" in validation.markdown()


USAGE_TYPES = {
    "organization_id": "text",
    "usage_date": "date",
    "api_provider": "text",
    "currency": "text",
    "total_requests": "integer",
    "successful_requests": "integer",
    "failed_requests": "integer",
    "total_cost": "numeric",
    "total_tokens": "integer",
    "total_images_generated": "integer",
    "average_response_time_ms": "integer",
    "error_rate": "numeric",
}


def _outcomes(validation) -> list[tuple]:
    return [(o.expectation, o.success, o.unexpected_count, o.error) for o in validation.outcomes]


def test_the_usage_suite_gives_the_same_outcomes_in_the_database_as_in_gx(
    analytics_world,
) -> None:
    """The expectations PostgreSQL evaluates (the check's path) fail on exactly the rows
    GX fails them on: nulls skipped by the ranges, duplicated keys counted per row, a
    key that is all null not compared, a pair over a derived column unexpected when one
    side is null and not compared when both are; none of the suite is left for GX."""
    model = MODELS["daily_usage_summaries"]
    assert {e.type for e in model.expectations if not in_database(e, model.columns)} == {
        "expect_column_pair_values_to_be_equal"
    }  # the pair names a derived column: only with it is the pair in the database
    assert all(in_database(e, model.columns, model.derived_columns) for e in model.expectations)
    good = {
        "organization_id": "a", "usage_date": "2025-01-01", "api_provider": "freepik",
        "currency": "USD", "total_requests": 10, "successful_requests": 8,
        "failed_requests": 2, "total_cost": Decimal("1.5"), "total_tokens": 100,
        "total_images_generated": 8, "average_response_time_ms": 400,
        "error_rate": Decimal("0.2"),
    }  # fmt: skip
    rows = [
        good,
        {**good, "organization_id": None},
        {**good, "api_provider": "local", "error_rate": Decimal("1.5")},
        {**good, "api_provider": "x", "total_cost": Decimal("-1"), "total_tokens": None},
        {**good, "api_provider": "y", "successful_requests": 9},  # 9 + 2 != 10
        {**good, "api_provider": "z", "total_requests": 0, "failed_requests": -2},
        {**good, "api_provider": "z", "average_response_time_ms": None},  # key twice
        {**good, "api_provider": "z", "error_rate": None},  # and a third time
        {**good, "organization_id": None, "usage_date": None, "api_provider": None},
        {**good, "organization_id": None, "usage_date": None, "api_provider": None},
        {**good, "api_provider": "n1", "failed_requests": None},  # 8 + null vs 10
        {**good, "api_provider": "n2", "failed_requests": None, "total_requests": None},
    ]
    columns = ", ".join(f"{name} {kind}" for name, kind in USAGE_TYPES.items())
    with analytics_world.engine.connect() as conn:
        conn.execute(text(f"create temporary table usage_rows ({columns})"))  # noqa: S608
        names = ", ".join(USAGE_TYPES)
        conn.execute(
            text(f"insert into usage_rows ({names}) values (:{', :'.join(USAGE_TYPES)})"),  # noqa: S608
            [{name: row[name] for name in USAGE_TYPES} for row in rows],
        )
        selected = f"select {names} from usage_rows"  # noqa: S608

        def in_the_database(rows_sql: str) -> object:
            return validate_rows(
                conn, rows_sql, {}, model.columns, model.expectations,
                model.derived_columns, model.name,
            )  # fmt: skip

        checked = in_the_database(selected)
        frame = pd.read_sql(text(selected), conn, coerce_float=False)
        passing = in_the_database(
            selected + " where api_provider = 'freepik' and organization_id = 'a'"
        )
    gx = _validate_model("daily_usage_summaries", frame)
    assert _outcomes(checked) == _outcomes(gx)
    assert checked.rows == gx.rows == len(rows)
    assert {(kind, column) for kind, column in _failed(checked)} >= {
        ("expect_column_values_to_not_be_null", "organization_id"),
        ("expect_compound_columns_to_be_unique", str(model.expectations[5].kwargs)),
        ("expect_column_values_to_be_between", "total_requests"),
    }
    assert passing.success and passing.rows == 1, passing.markdown()


def test_the_compliance_suite_fails_when_more_are_judged_than_generated() -> None:
    row = {
        "brand_profile_id": "b",
        "organization_id": "o",
        "analysis_date": "2025-01-01",
        "total_assets_generated": 2,
        "assets_passed_compliance": 2,
        "assets_failed_compliance": 1,
        "average_compliance_score": Decimal("88.5"),
        "logo_usage_count": 2,
        "color_compliance_rate": Decimal("1.2"),
        "common_violations": [],
    }
    validation = _validate_model("brand_compliance_analytics", pd.DataFrame([row]))
    assert {kind for kind, _ in _failed(validation)} == {
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_values_to_be_between",
    }


def test_the_content_analytics_suite_catches_rates_that_disagree_with_counts() -> None:
    row = {
        "generated_asset_id": "g",
        "organization_id": "o",
        "platform": "instagram",
        "performance_date": "2025-01-01",
        "impressions": 1000,
        "views": 500,
        "likes": 40,
        "shares": 5,
        "comments": 3,
        "saves": 2,
        "clicks": 10,
        "engagement_rate": Decimal("0.05"),
        "click_through_rate": Decimal("0.01"),
    }
    unseen = {**row, "generated_asset_id": "h", "impressions": 0, "likes": 0, "shares": 0}
    unseen |= {"comments": 0, "saves": 0, "clicks": 0, "engagement_rate": None}
    unseen["click_through_rate"] = None
    frame = pd.DataFrame([row, unseen])
    good = validate(
        with_derived_columns(frame, CONTENT_ANALYTICS_DERIVED), CONTENT_ANALYTICS_EXPECTATIONS, "ok"
    )
    assert good.success, good.markdown()
    wrong = frame.copy()
    wrong.loc[0, "engagement_rate"] = Decimal("0.5")  # within 0-1, but not 50 / 1000
    wrong.loc[1, "click_through_rate"] = Decimal("0")  # a rate without impressions
    bad = validate(
        with_derived_columns(wrong, CONTENT_ANALYTICS_DERIVED), CONTENT_ANALYTICS_EXPECTATIONS, "x"
    )
    assert {column for _, column in _failed(bad)} == {
        "engagement_error",
        "rates_null_iff_no_impressions",
    }


def test_the_content_analytics_pair_gives_the_same_outcome_in_the_database_as_in_gx(
    analytics_world,
) -> None:
    """impressions >= likes + shares + comments + saves: PostgreSQL (over the derived
    sum) and GX fail the same rows, one null side unexpected, both null not compared;
    the derived columns computed otherwise (abs, division) stay with GX."""
    pair = next(e for e in CONTENT_ANALYTICS_EXPECTATIONS if "column_A" in e.kwargs)
    columns = ("impressions", "likes", "shares", "comments", "saves")
    derived = {"interactions": CONTENT_ANALYTICS_DERIVED["interactions"]}
    assert in_database(pair, columns, derived) and not in_database(pair, columns)
    assert not in_database(
        next(
            e
            for e in CONTENT_ANALYTICS_EXPECTATIONS
            if e.kwargs.get("column") == "engagement_error"
        ),
        CONTENT_ANALYTICS_COLUMNS,
        CONTENT_ANALYTICS_DERIVED,
    )
    rows = [
        (100, 40, 5, 3, 2),  # 50 <= 100
        (50, 40, 5, 3, 2),  # 50 <= 50: or_equal
        (10, 40, 5, 3, 2),  # 50 > 10: unexpected
        (None, 1, 1, 1, 1),  # one side null: unexpected
        (None, None, 1, 1, 1),  # both null: not compared
        (7, 2, None, 1, 1),  # the sum is null: unexpected
    ]
    with analytics_world.engine.connect() as conn:
        conn.execute(
            text(
                "create temporary table pair_rows ("
                + ", ".join(f"{c} integer" for c in columns)
                + ")"
            )
        )
        conn.execute(
            text("insert into pair_rows values (:a, :b, :c, :d, :e)"),
            [dict(zip("abcde", row, strict=True)) for row in rows],
        )
        selected = "select " + ", ".join(columns) + " from pair_rows"  # noqa: S608
        checked = validate_rows(conn, selected, {}, columns, [pair], derived, "pair")
        frame = pd.read_sql(text(selected), conn)
    gx = validate(with_derived_columns(frame, derived), [pair], "pair_gx")
    assert _outcomes(checked) == _outcomes(gx)
    assert checked.outcomes[0].unexpected_count == 3


def test_an_unknown_expectation_fails_with_its_name() -> None:
    from assets.analytics.models import Expectation

    validation = validate(
        pd.DataFrame({"a": [1]}),
        [Expectation("expect_column_values_to_be_purple", {"column": "a"})],
        "unknown",
    )
    assert not validation.success
    assert "no such GX expectation" in validation.markdown()


def test_the_reconciliation_finds_a_summary_api_usage_does_not_support(
    analytics_world, backfilled
) -> None:
    model = MODELS["daily_usage_summaries"]
    day = analytics_world.last_day - timedelta(days=40)
    window = Window.days(day, day)

    def reconciliation():
        with analytics_world.engine.connect() as conn:
            return reconcile(conn, model, window, model.not_null)

    assert reconciliation().success
    with analytics_world.engine.begin() as conn:
        conn.execute(
            text(
                "update daily_usage_summaries set total_cost = total_cost + 1 "
                "where usage_date = :day and organization_id = :org and api_provider = 'local'"
            ),
            {"day": day, "org": analytics_world.orgs[0]},
        )
        late = conn.execute(
            text(
                "insert into api_usage (organization_id, api_provider, endpoint, method, "
                "request_timestamp, response_status) values (:org, 'openai', '/v1/images', "
                "'POST', :at, 200) returning id"
            ),
            {"org": analytics_world.orgs[1], "at": window.start + timedelta(hours=9)},
        ).scalar_one()
    try:
        stale = reconciliation()
        # the stored cost that api_usage no longer supports, and the late call's missing row
        assert {d.column for d in stale.differences} == {"total_cost", "(row)"}
        missing = next(d for d in stale.differences if d.column == "(row)")
        assert (missing.key[2], missing.stored, missing.recomputed) == (
            "openai",
            "absent",
            "present",
        )
        cost = next(d for d in stale.differences if d.column == "total_cost")
        assert Decimal(cost.stored) - Decimal(cost.recomputed) == 1
        # the check's reconciliation (compared in the database) finds the same
        with analytics_world.engine.connect() as conn:
            assert reconcile_in_database(conn, model, window, model.not_null) == stale
        # re-running the day makes summaries and api_usage agree again
        run_model(analytics_world.engine, model, window)
        assert reconciliation().success
    finally:
        # the other tests share this world: take the late call out again
        with analytics_world.engine.begin() as conn:
            conn.execute(text("delete from api_usage where id = :id"), {"id": late})
        run_model(analytics_world.engine, model, window)


def test_a_blocking_check_keeps_bad_metrics_out_of_the_rollups(
    analytics_world, backfilled, tmp_path
) -> None:
    day = analytics_world.last_day - timedelta(days=3)
    with analytics_world.engine.begin() as conn:
        row = conn.execute(
            text(
                "select id, engagement_rate from content_analytics where performance_date = :day "
                "and measurement_period = 'daily' and impressions > 0 order by id limit 1"
            ),
            {"day": day},
        ).one()
        # the database allows it (0 <= rate <= 1); only the check sees it disagrees with counts
        conn.execute(
            text("update content_analytics set engagement_rate = 0.999 where id = :id"),
            {"id": row.id},
        )
        weekly_before = conn.execute(
            text(
                "select count(*), max(created_at) from content_analytics "
                "where performance_date = :day and measurement_period = 'weekly'"
            ),
            {"day": day},
        ).one()
    try:
        report = analytics_world.run(
            day, assets=["content_analytics", "content_analytics_weekly"], metrics_dir=tmp_path
        )
        assert not report.success
        assert [(c["asset"], c["check"]) for c in report.failed_checks] == [
            ("content_analytics", "gx_expectations")
        ]
        assert "engagement_error" in report.failed_checks[0]["description"]
        assert "content_analytics_weekly" not in report.assets  # never ran
        with analytics_world.engine.connect() as conn:
            weekly_after = conn.execute(
                text(
                    "select count(*), max(created_at) from content_analytics "
                    "where performance_date = :day and measurement_period = 'weekly'"
                ),
                {"day": day},
            ).one()
        assert weekly_after == weekly_before
    finally:
        with analytics_world.engine.begin() as conn:
            conn.execute(
                text("update content_analytics set engagement_rate = :rate where id = :id"),
                {"rate": row.engagement_rate, "id": row.id},
            )


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_yml_expectation_is_a_valid_gx_expectation(name: str) -> None:
    import great_expectations.expectations as gxe

    from assets.analytics.expectations import class_name

    for expectation in MODELS[name].expectations:
        cls = getattr(gxe, class_name(expectation.type))
        cls(**expectation.kwargs)  # raises on a wrong argument


def test_a_model_s_failing_blocking_check_in_its_checks_step_stops_what_reads_it(
    analytics_world, backfilled
) -> None:
    """A model's two checks run in one step; the reconciliation is blocking there as it
    was on its own: it fails, the non-blocking suite's result is still recorded, and an
    asset that reads the model (one made here: no model reads another) never runs."""
    from dagster import (
        AssetKey,
        AssetSelection,
        DagsterInstance,
        Definitions,
        asset,
        define_asset_job,
    )

    from assets.analytics.checks import RANGE_END_TAG, RANGE_START_TAG
    from assets.analytics.definitions import ANALYTICS

    model = MODELS["daily_usage_summaries"]
    day = analytics_world.last_day - timedelta(days=12)
    ran: list[str] = []

    @asset(deps=[AssetKey(model.name)], partitions_def=ANALYTICS.partitions_def)
    def usage_reader() -> None:
        ran.append("usage_reader")

    checks = AssetSelection.checks_for_assets(AssetKey(model.name))
    defs = Definitions(
        assets=[*ANALYTICS.assets, usage_reader],
        asset_checks=ANALYTICS.checks,
        jobs=[define_asset_job("read_usage", AssetSelection.assets(usage_reader) | checks)],
        resources=analytics_world.resources(),
    )
    job = defs.resolve_job_def("read_usage")

    def run():
        return job.execute_in_process(
            tags={RANGE_START_TAG: day.isoformat(), RANGE_END_TAG: day.isoformat()},
            instance=DagsterInstance.ephemeral(),
            raise_on_error=False,
        )

    def evaluations(result) -> dict[str, bool]:
        return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}

    clean = run()
    assert clean.success and ran == ["usage_reader"]
    assert evaluations(clean) == {"gx_expectations": True, "reconciles_with_api_usage": True}
    ran.clear()
    with analytics_world.engine.begin() as conn:
        changed = conn.execute(
            text(
                "update daily_usage_summaries set total_cost = total_cost + 1 "
                "where usage_date = :day and organization_id = :org"
            ),
            {"day": day, "org": analytics_world.orgs[0]},
        ).rowcount
    assert changed
    try:
        blocked = run()
        assert not blocked.success
        assert evaluations(blocked) == {
            "gx_expectations": True,  # a dearer cost is no expectation's business
            "reconciles_with_api_usage": False,
        }
        assert ran == []  # the reader waited for the blocking check, which failed
        assert not [e for e in blocked.get_asset_materialization_events()]
    finally:
        run_model(analytics_world.engine, model, Window.days(day, day))
    ran.clear()
    assert run().success and ran == ["usage_reader"]
