"""generated_assets with the Freepik provider, against the local fake Freepik server."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from resources.settings import list_settings, set_setting
from tests.fake_freepik import API_KEY, Fault
from tests.freepik_world import PRICE
from tests.freepik_world import instagram_request as _instagram_request
from tests.freepik_world import set_budget as _set_budget
from tests.freepik_world import source_request as _source_request
from tests.freepik_world import spent as _spent
from tests.freepik_world import usage as _usage
from tests.generation_helpers import (
    asset_rows,
    copy_request,
    files_of_request,
    generate,
    metadata_of,
    request_row,
)

pytest_plugins = ["tests.freepik_world"]


def test_images_come_from_freepik_and_every_call_is_priced(demo_world, freepik_org, fake):
    request_id = _instagram_request(demo_world.engine, freepik_org)
    fake.queue_fault(Fault.error(503), times=2, method="POST")
    assert generate(demo_world, [request_id]).success

    request = request_row(demo_world.engine, request_id)
    assert request["status"] == "generated"
    rows = asset_rows(demo_world.engine, request_id)
    images = len(rows)
    assert rows and all(r["generation_parameters"]["provider"] == "freepik" for r in rows)
    assert all(r["generation_parameters"]["model"] == "classic-fast" for r in rows)
    usage = _usage(demo_world.engine, request_id)
    # two refused attempts (free), then the call that produced the images
    assert [u.response_status for u in usage] == [503, 503, 200]
    assert [u.cost_per_request for u in usage] == [0, 0, PRICE * images]
    assert usage[-1].images_generated == images
    assert all(API_KEY not in str(u.request_parameters) for u in usage)
    assert len(fake.api_requests) == 3


def test_an_invalid_key_fails_the_request_after_one_call(
    demo_world, freepik_org, fake, monkeypatch
):
    monkeypatch.setenv("FREEPIK_API_KEY", "wrong-key")
    request_id = _instagram_request(demo_world.engine, freepik_org)
    assert generate(demo_world, [request_id]).success  # the run goes on; the request fails
    request = request_row(demo_world.engine, request_id)
    assert request["status"] == "failed"
    assert "401" in request["status_reason"]
    assert [u.response_status for u in _usage(demo_world.engine, request_id)] == [401]
    assert asset_rows(demo_world.engine, request_id) == []


def test_nsfw_images_fail_the_request(demo_world, freepik_org, fake):
    request_id = _instagram_request(demo_world.engine, freepik_org)
    fake.flag_nsfw()
    generate(demo_world, [request_id])
    request = request_row(demo_world.engine, request_id)
    assert request["status"] == "failed"
    assert "nsfw" in request["status_reason"].lower()
    assert asset_rows(demo_world.engine, request_id) == []


def test_over_budget_no_call_is_made(demo_world, freepik_org, fake):
    with demo_world.engine.begin() as conn:
        conn.execute(
            text(
                "update organizations set settings = settings || "
                "'{\"daily_budget_usd\": 0.001}' where id = :id"
            ),
            {"id": freepik_org},
        )
    request_id = _instagram_request(demo_world.engine, freepik_org)
    generate(demo_world, [request_id])
    request = request_row(demo_world.engine, request_id)
    assert request["status"] == "failed"
    assert "daily budget of 0.001" in request["status_reason"]
    assert "no call was made" in request["status_reason"]
    assert fake.api_requests == []
    assert _usage(demo_world.engine, request_id) == []


def test_a_failure_midway_leaves_nothing_and_a_rerun_completes(demo_world, freepik_org, fake):
    engine = demo_world.engine
    request_id = copy_request(
        engine,
        _source_request(engine, freepik_org, platforms=2),
        style_preferences={"num_images": 1, "style": "photo"},
    )
    request = request_row(engine, request_id)
    assert len(request["target_platforms"]) >= 2
    # the budget covers the first platform's image and not the second's
    _set_budget(engine, freepik_org, _spent(engine, freepik_org) + PRICE + Decimal("0.001"))
    generate(demo_world, [request_id])

    failed = request_row(engine, request_id)
    assert failed["status"] == "failed" and "daily budget" in failed["status_reason"]
    assert asset_rows(engine, request_id) == []
    assert files_of_request(demo_world.media, failed) == set()  # the first image was removed
    assert [u.response_status for u in _usage(engine, request_id)] == [200]  # it was paid for

    # with money again, re-executing the failed request completes it, exactly once
    _set_budget(engine, freepik_org, 1000)
    generate(demo_world, [request_id])
    generate(demo_world, [request_id])  # a second process of the same request changes nothing
    done = request_row(engine, request_id)
    assert done["status"] == "generated"
    rows = asset_rows(engine, request_id)
    assert sorted(r["platform"] for r in rows) == sorted(done["target_platforms"])
    assert files_of_request(demo_world.media, done) == {r["file_path"] for r in rows}


def test_mystic_tasks_record_their_task_ids(demo_world, freepik_org, fake):
    engine = demo_world.engine
    with engine.begin() as conn:
        conn.execute(
            text(
                'update organizations set settings = settings || \'{"image_model": "mystic"}\' '
                "where id = :id"
            ),
            {"id": freepik_org},
        )
    request_id = copy_request(
        engine,
        _source_request(engine, freepik_org),
        target_platforms=["linkedin"],
        style_preferences={"num_images": 1},
    )
    assert generate(demo_world, [request_id]).success
    (row,) = asset_rows(engine, request_id)
    assert row["freepik_image_kind"] == "task"
    assert row["freepik_image_id"] in fake.tasks
    assert row["generation_parameters"]["model"] == "mystic"
    usage = _usage(engine, request_id)
    assert usage[0].endpoint == "/v1/ai/mystic" and usage[0].cost_per_request == Decimal("0.02")
    assert all(u.cost_per_request == 0 for u in usage[1:])  # polls are free


@pytest.fixture
def budgets(demo_world):
    """Sets default budgets (through resources.settings, validated) for one test; the
    demo's budget rows are put back after."""
    engine = demo_world.engine
    with engine.connect() as conn:
        saved = list_settings(conn, "budgets")

    def set_budgets(**values) -> None:
        with engine.begin() as conn:
            for key, value in values.items():
                set_setting(conn, "budgets", key, value)

    yield set_budgets
    with engine.begin() as conn:
        # an upsert keeps each row's id (the demo counts its settings by id)
        conn.execute(
            text(
                "delete from system_settings where category = 'budgets' "
                "and not setting_key = any(:keys)"
            ),
            {"keys": [setting.key for setting in saved]},
        )
        for setting in saved:
            set_setting(conn, "budgets", setting.key, setting.value)


def test_a_monthly_budget_stops_generation_before_any_call(demo_world, freepik_org, fake, budgets):
    # the organization's daily budget (1000) is roomy: the month's spend is what stops it
    # spent is numeric(…, 6) summed: adding a thousandth keeps the 6 decimals a budget takes,
    # and leaves less room than one image's price
    spent = _spent(demo_world.engine, freepik_org, "month")
    budgets(**{"default.monthly": {"monthly_budget_usd": spent + Decimal("0.001")}})
    request_id = _instagram_request(demo_world.engine, freepik_org)
    generate(demo_world, [request_id])
    request = request_row(demo_world.engine, request_id)
    assert request["status"] == "failed"
    assert "monthly budget of" in request["status_reason"]
    assert (
        "spent this month" in request["status_reason"]
        and "no call was made" in request["status_reason"]
    )
    assert fake.api_requests == []


def test_alerts_warn_near_a_budget_and_stop_at_their_fraction(
    demo_world, freepik_org, fake, budgets
):
    _set_budget(demo_world.engine, freepik_org, _spent(demo_world.engine, freepik_org) + 1)
    # warn at once (any spend reaches 0 % of the budget); stop well above this call's price
    budgets(alerts={"warn_at_fraction": 0, "stop_at_fraction": 1})
    warned = _instagram_request(demo_world.engine, freepik_org, style_preferences={"num_images": 1})
    result = generate(demo_world, [warned])
    request = request_row(demo_world.engine, warned)
    assert request["status"] == "generated"
    assert "daily spend reaches" in request["status_reason"]
    # and in the run's metadata, which routing (later in the job) does not overwrite
    assert "daily spend reaches" in metadata_of(result)["warnings"]

    # stop at 0 % of the budget: the next billable call is refused before it is made
    budgets(alerts={"warn_at_fraction": 0, "stop_at_fraction": 0})
    calls_before = len(fake.api_requests)
    stopped = _instagram_request(demo_world.engine, freepik_org)
    generate(demo_world, [stopped])
    request = request_row(demo_world.engine, stopped)
    assert request["status"] == "failed" and "(stopping at 0" in request["status_reason"]
    assert len(fake.api_requests) == calls_before
