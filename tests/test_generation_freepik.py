"""generated_assets with the Freepik provider, against the local fake Freepik server."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from resources.settings import list_settings, set_setting
from tests.fake_freepik import API_KEY, Fault, running_fake_freepik
from tests.generation_helpers import (
    asset_rows,
    copy_request,
    files_of_request,
    generate,
    metadata_of,
    organization_on_freepik,
    request_row,
)

PRICE = Decimal("0.004")  # demo pricing: freepik.classic-fast per image


@pytest.fixture
def fake(monkeypatch):
    with running_fake_freepik() as server:
        monkeypatch.setenv("FREEPIK_API_KEY", API_KEY)
        monkeypatch.setenv("FREEPIK_BASE_URL", server.base_url)
        monkeypatch.delenv("FREEPIK_MODEL", raising=False)
        yield server


@pytest.fixture
def freepik_org(demo_world):
    """A demo organization switched to Freepik for the test, switched back after."""
    with organization_on_freepik(demo_world.engine) as org:
        yield org


def _source_request(engine, org, platforms: int = 1) -> object:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select id from content_requests where organization_id = :org "
                "and status = 'submitted' and cardinality(target_platforms) >= :n "
                "order by id limit 1"
            ),
            {"org": org, "n": platforms},
        ).scalar_one()


def _instagram_request(engine, org, **changes) -> object:
    """A new submitted request of ``org`` for Instagram alone."""
    return copy_request(
        engine, _source_request(engine, org), target_platforms=["instagram"], **changes
    )


def _usage(engine, request_id) -> list:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select endpoint, method, response_status, cost_per_request, images_generated, "
                "request_parameters from api_usage where content_request_id = :id "
                "order by request_timestamp, created_at"
            ),
            {"id": request_id},
        ).all()


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


def _set_budget(engine, org, budget) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "update organizations set settings = jsonb_set(settings, '{daily_budget_usd}', "
                "to_jsonb(cast(:budget as numeric))) where id = :id"
            ),
            {"budget": budget, "id": org},
        )


def _spent(engine, org, period: str = "day") -> Decimal:
    """The organization's provider spend since the start of this UTC day or month."""
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select coalesce(sum(cost_per_request), 0) from api_usage "
                "where organization_id = :org and request_timestamp >= "
                "date_trunc(cast(:period as text), now() at time zone 'utc') at time zone 'utc'"
            ),
            {"org": org, "period": period},
        ).scalar_one()


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
