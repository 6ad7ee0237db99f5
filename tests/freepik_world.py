"""Fixtures and helpers of the generation tests on Freepik (against the local fake server).

pytest_plugins = ["tests.freepik_world"]   # the fixtures: fake, freepik_org
"""

from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.fake_freepik import API_KEY, running_fake_freepik
from tests.generation_helpers import copy_request, organization_on_freepik

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


def source_request(engine, org, platforms: int = 1) -> object:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select id from content_requests where organization_id = :org "
                "and status = 'submitted' and cardinality(target_platforms) >= :n "
                "order by id limit 1"
            ),
            {"org": org, "n": platforms},
        ).scalar_one()


def instagram_request(engine, org, **changes) -> object:
    """A new submitted request of ``org`` for Instagram alone."""
    return copy_request(
        engine, source_request(engine, org), target_platforms=["instagram"], **changes
    )


def usage(engine, request_id) -> list:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select endpoint, method, response_status, cost_per_request, images_generated, "
                "request_parameters from api_usage where content_request_id = :id "
                "order by request_timestamp, created_at"
            ),
            {"id": request_id},
        ).all()


def set_budget(engine, org, budget) -> None:
    set_number(engine, org, "daily_budget_usd", budget)


def set_number(engine, org, key: str, value) -> None:
    """organizations.settings[key] = value (a number) for ``org``."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "update organizations set settings = jsonb_set(settings, "
                "array[cast(:key as text)], to_jsonb(cast(:value as numeric))) where id = :id"
            ),
            {"key": key, "value": value, "id": org},
        )


def spent(engine, org, period: str = "day") -> Decimal:
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
