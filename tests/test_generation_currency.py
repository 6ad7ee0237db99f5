"""Budgets in the organization's currency: spend and prices in another currency are
converted with a stored rate (and the rate used is recorded on the call's row), never
added as they stand; a call priced in a currency with no rate is refused before it is
made, with that reason."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from assets.generation.currency import NoExchangeRateError, organization_currency, rate_table
from assets.generation.ledger import Budget, UsageLedger
from assets.generation.pricing import Price
from core.generation import ApiCall, BudgetExceededError
from resources.settings.categories import normalize
from resources.settings.errors import InvalidSettingError
from tests.factories import make_api_usage, make_org, make_user

PRICES = {"freepik.mystic": Price(Decimal("1.000000"), "EUR"), "x.chf": Price(Decimal(1), "CHF")}
RATES = rate_table([("EUR.USD", {"rate": "1.10"}), ("bad", {"rate": 1}), ("GBP.USD", {})])


@pytest.fixture
def org(engine):
    with engine.begin() as conn:
        return make_org(conn, make_user(conn))


def _ledger(engine, org, budgets=(), rates=RATES) -> UsageLedger:
    return UsageLedger(
        engine,
        organization_id=org,
        user_id=None,
        content_request_id=None,
        prices=PRICES,
        budgets=list(budgets),
        currency="USD",
        rates=rates,
    )


def _spend(engine, org, amount: str, currency: str) -> None:
    with engine.begin() as conn:
        make_api_usage(
            conn,
            org,
            cost_per_request=Decimal(amount),
            currency=currency,
            request_timestamp=datetime.now(UTC),
        )


def _daily(amount: str) -> Budget:
    return Budget("day", Decimal(amount), Decimal(amount))


def _call() -> ApiCall:
    return ApiCall(
        "freepik", "/v1/ai/mystic", "POST", 200, 900, images=1, billable=True, model="mystic"
    )


def test_the_rates_and_the_organizations_currency_are_read_as_stored() -> None:
    rates = dict(RATES)
    assert rates == {("EUR", "USD"): Decimal("1.10")}
    assert organization_currency({}) == "USD"
    assert organization_currency({"currency": "eur"}) == "EUR"
    assert normalize("exchange_rates", "EUR.USD", {"rate": 1.1}, "json") == {"rate": 1.1}
    for key, value in (
        ("EUR-USD", {"rate": 1}),
        ("EUR.EUR", {"rate": 1}),
        ("EUR.USD", {"rate": 0}),
    ):
        with pytest.raises(InvalidSettingError, match="exchange_rates/"):
            normalize("exchange_rates", key, value, "json")


def test_spend_in_another_currency_is_converted_never_added_as_it_is(engine, org) -> None:
    _spend(engine, org, "100", "EUR")
    _spend(engine, org, "4", "USD")
    ledger = _ledger(engine, org, [_daily("115")])
    # 100 EUR at 1.10 is 110 USD, plus 4 USD: 114, not 104
    assert ledger.spent_this("day") == Decimal("114")
    # one more euro (1.10 USD) would pass 115
    with pytest.raises(BudgetExceededError, match=r"daily budget of 115 USD would be exceeded"):
        ledger.guard("freepik", "mystic")(1)
    _ledger(engine, org, [_daily("115.10")]).guard("freepik", "mystic")(1)


def test_a_call_in_another_currency_records_the_rate_it_was_judged_with(engine, org) -> None:
    ledger = _ledger(engine, org, [_daily("50")])
    ledger.guard("freepik", "mystic")(1)
    ledger.record(_call())
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "select cost_per_request, currency, request_parameters from api_usage "
                "where organization_id = :org"
            ),
            {"org": org},
        ).one()
    # stored in the currency it was priced in; the conversion is on the row
    assert (row.cost_per_request, row.currency) == (Decimal("1.000000"), "EUR")
    assert row.request_parameters["exchange_rate"] == {
        "from": "EUR",
        "to": "USD",
        "rate": "1.10",
        "setting": "exchange_rates/EUR.USD",
    }
    json.dumps(row.request_parameters)


def test_a_price_in_a_currency_with_no_rate_is_refused_before_the_call(engine, org) -> None:
    ledger = _ledger(engine, org)  # no budget at all: still never added blindly
    with pytest.raises(NoExchangeRateError, match=r"no exchange rate from CHF to USD .*CHF\.USD"):
        ledger.guard("x", "chf")(1)
    with engine.connect() as conn:
        count = conn.execute(
            text("select count(*) from api_usage where organization_id = :org"), {"org": org}
        ).scalar_one()
    assert count == 0 and ledger.calls == 0


def test_spend_in_a_currency_with_no_rate_stops_a_budget_check(engine, org) -> None:
    _spend(engine, org, "3", "GBP")
    with pytest.raises(NoExchangeRateError, match="from GBP to USD"):
        _ledger(engine, org, [_daily("100")]).guard("freepik", "mystic")(1)
