"""Every provider call becomes an api_usage row; billable calls are checked against budget.

Each call is written in its own short transaction as it happens: spend must be
recorded even when the request later fails or the process dies, and the budget
check of a concurrent run must see it.
"""

import json
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import Engine

from assets.generation.pricing import Price, cost_of, price_for
from assets.generation.types import ApiCall, BudgetExceededError, BudgetGuard
from resources.sql_files import sql


def daily_budget(organization_settings: Mapping, budgets: Mapping[str, Mapping]) -> Decimal | None:
    """The organization's own daily budget, else the default; None means unlimited."""
    value = organization_settings.get("daily_budget_usd")
    if value is None:
        value = (budgets.get("default.daily") or {}).get("daily_budget_usd")
    return None if value is None else Decimal(str(value))


class UsageLedger:
    def __init__(
        self,
        engine: Engine,
        *,
        organization_id: object,
        user_id: object | None,
        content_request_id: object | None,
        prices: Mapping[str, Price],
        budget: Decimal | None,
    ) -> None:
        self.engine = engine
        self.organization_id = organization_id
        self.user_id = user_id
        self.content_request_id = content_request_id
        self.prices = prices
        self.budget = budget
        self.cost = Decimal(0)
        self.calls = 0

    def record(self, call: ApiCall) -> None:
        cost, currency = cost_of(call, self.prices)
        with self.engine.begin() as conn:
            conn.execute(
                sql("generation/insert_api_usage"),
                {
                    "organization_id": self.organization_id,
                    "user_id": self.user_id,
                    "content_request_id": self.content_request_id,
                    "api_provider": call.provider,
                    "endpoint": call.endpoint,
                    "method": call.method,
                    "request_parameters": json.dumps(
                        {**call.request_parameters, "model": call.model, "error": call.error}
                    ),
                    "response_status": call.status,
                    "response_time_ms": max(0, int(call.latency_ms)),
                    "cost": cost,
                    "currency": currency,
                    "tokens_used": call.tokens,
                    "images_generated": call.images,
                },
            )
        self.cost += cost
        self.calls += 1

    def spent_today(self) -> Decimal:
        with self.engine.connect() as conn:
            return Decimal(
                conn.execute(
                    sql("generation/spend_today"), {"organization_id": self.organization_id}
                ).scalar_one()
            )

    def guard(self, provider: str, model: str | None) -> BudgetGuard:
        """A check to run before each billable call of `provider`/`model`."""

        def check(images: int) -> None:
            price = price_for(self.prices, provider, model)
            if self.budget is None or price.per_image == 0:
                return
            spent = self.spent_today()
            estimate = price.per_image * images
            if spent + estimate > self.budget:
                raise BudgetExceededError(
                    f"daily budget of {self.budget} {price.currency} would be exceeded: "
                    f"{spent:.4f} spent today, this call would add {estimate:.4f}; "
                    "no call was made"
                )

        return check
