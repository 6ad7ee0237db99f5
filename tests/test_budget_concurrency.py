"""Budgets under concurrency: four requests of one organization generated at once (as
four Celery or multiprocess steps would), on the fake Freepik server, with room left in
the daily budget for exactly one paid call. The check and the record are serialized per
organization (assets/generation/ledger.py), so one call is made and three are refused;
without the lock all four checks would read the same spend and all four would pay."""

import threading
from decimal import Decimal
from functools import partial

from sqlalchemy import text

from assets.generation.process import GenerationServices, process_request
from resources.database import pipeline_engine
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource
from tests.fake_freepik import Fault
from tests.freepik_world import PRICE, source_request
from tests.generation_helpers import copy_request, organization_on_freepik

pytest_plugins = ["tests.freepik_world"]  # the fake Freepik server fixture
STEPS = 4


def _services(world) -> GenerationServices:
    engine = pipeline_engine(world.url)
    provider = ImageProviderResource(
        default_provider="local",
        freepik_timeout_s=5,
        freepik_backoff_initial_s=0.01,
        freepik_poll_interval_s=0.01,
        freepik_task_deadline_s=5,
        freepik_download_schemes=["http"],
    )
    store = ImageStoreResource(root=str(world.media)).get_store()
    return GenerationServices(engine, store, partial(provider.provider_for, engine=engine))


def _spent_today(conn, org) -> Decimal:
    return conn.execute(
        text(
            "select coalesce(sum(cost_per_request), 0) from api_usage "
            "where organization_id = :org and request_timestamp >= "
            "date_trunc('day', now() at time zone 'utc') at time zone 'utc'"
        ),
        {"org": org},
    ).scalar_one()


def test_four_concurrent_steps_at_a_budget_of_one_call_make_one_call(demo_world, fake):
    engine = demo_world.engine
    with organization_on_freepik(engine) as org:
        source = source_request(engine, org)
        requests = [
            str(
                copy_request(
                    engine,
                    source,
                    target_platforms=["instagram"],
                    style_preferences={"num_images": 1},
                )
            )
            for _ in range(STEPS)
        ]
        with engine.begin() as conn:
            budget = _spent_today(conn, org) + PRICE + PRICE / 2  # one call fits, two do not
            conn.execute(
                text(
                    "update organizations set settings = jsonb_set(settings, "
                    "'{daily_budget_usd}', to_jsonb(cast(:budget as numeric))) where id = :id"
                ),
                {"budget": budget, "id": org},
            )
        # each generation POST answers after 0.3 s: without the lock every step's check
        # would read the spend before any of them has recorded its call
        fake.queue_fault(Fault.slow(0.3), times=STEPS, method="POST")
        services = _services(demo_world)
        start = threading.Barrier(STEPS)
        outcomes = {}

        def step(request_id: str) -> None:
            start.wait()
            outcomes[request_id] = process_request(services, request_id)

        threads = [threading.Thread(target=step, args=(r,)) for r in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        with engine.connect() as conn:
            billed = conn.execute(
                text(
                    "select content_request_id, cost_per_request from api_usage "
                    "where content_request_id = any(cast(:ids as uuid[])) "
                    "and cost_per_request > 0"
                ),
                {"ids": requests},
            ).all()
            statuses = dict(
                conn.execute(
                    text(
                        "select id::text, status from content_requests "
                        "where id = any(cast(:ids as uuid[]))"
                    ),
                    {"ids": requests},
                ).all()
            )
            spent_after = _spent_today(conn, org)
    # the fake server saw one paid generation, the ledger one billed row, within budget
    posts = [r for r in fake.api_requests if r.method == "POST"]
    assert len(posts) == 1, posts
    assert len(billed) == 1 and billed[0].cost_per_request == PRICE, billed
    assert spent_after <= budget
    generated = [r for r, o in outcomes.items() if o.status == "generated"]
    refused = [r for r, o in outcomes.items() if o.status == "failed"]
    assert len(outcomes) == STEPS and len(generated) == 1 and len(refused) == STEPS - 1
    assert str(billed[0].content_request_id) == generated[0]
    for request_id in refused:
        assert "daily budget" in outcomes[request_id].reason
        assert statuses[request_id] == "failed"
