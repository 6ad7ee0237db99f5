"""Every provider call becomes an api_usage row; billable calls are checked against budgets.

Each call is written in its own short transaction as it happens: spend must be
recorded even when the request later fails or the process dies, and the budget
check of a concurrent run must see it.

Budgets (system_settings category "budgets", README "System settings"): a daily and a
monthly limit per organization (UTC day and month), the organization's own
`daily_budget_usd` / `monthly_budget_usd` first, else the defaults; `alerts` says at
which share of a limit generation warns and at which it stops. Budgets are in the
organization's currency (`organizations.settings.currency`, default USD): spend and
prices in another currency are converted with a rate from system_settings
(assets/generation/currency.py), and the conversion is recorded on the call's
api_usage row; a call priced in a currency with no rate is refused before it is made.

Under concurrency (steps of one organization on several workers) a billable call's
budget check and its api_usage record are one transaction holding the organization's
advisory transaction lock: the check reads the spend, the call is made, its row is
written, and only then can another step's check read the spend. N concurrent steps can
therefore never overshoot a budget by N calls. The price is that one organization's
billable calls are made one at a time (other organizations' are not held up);
non-billable calls (polls, a local render) take no lock.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, Engine, text

from assets.generation.currency import Conversion, conversion
from assets.generation.pricing import Price, cost_of, price_for
from core.generation import ApiCall, BudgetExceededError, BudgetGuard
from resources.sql_files import sql

# the first key of an organization's budget lock (the second is hashtext(its id)); any
# constant that nothing else in the database uses (claims.py has the request locks')
BUDGET_LOCK_NAMESPACE = 804_412_015


@dataclass(frozen=True)
class Budget:
    period: str  # "day" or "month": a date_trunc unit, in UTC
    amount: Decimal
    stop_at: Decimal  # spend beyond this is refused (amount × alerts.stop_at_fraction)
    warn_at: Decimal | None = None  # spend reaching this is reported

    @property
    def name(self) -> str:
        return {"day": "daily", "month": "monthly"}[self.period]


# period, the key in organizations.settings and in the budget's value, the default's key
PERIODS = (
    ("day", "daily_budget_usd", "default.daily"),
    ("month", "monthly_budget_usd", "default.monthly"),
)


def budgets_for(organization_settings: Mapping, budgets: Mapping[str, Mapping]) -> list[Budget]:
    """The organization's budgets: its own amounts, else the defaults; none = unlimited."""
    alerts = budgets.get("alerts") or {}
    stop = Decimal(str(alerts.get("stop_at_fraction", 1)))
    warn = alerts.get("warn_at_fraction")
    found = []
    for period, key, default in PERIODS:
        value = organization_settings.get(key)
        if value is None:
            value = (budgets.get(default) or {}).get(key)
        if value is None:
            continue
        amount = Decimal(str(value))
        warn_at = amount * Decimal(str(warn)) if warn is not None else None
        found.append(Budget(period, amount, amount * stop, warn_at))
    return found


class UsageLedger:
    def __init__(
        self,
        engine: Engine,
        *,
        organization_id: object,
        user_id: object | None,
        content_request_id: object | None,
        prices: Mapping[str, Price],
        budgets: list[Budget],
        currency: str = "USD",
        rates: Mapping[tuple[str, str], Decimal] | None = None,
    ) -> None:
        self.engine = engine
        self.organization_id = organization_id
        self.user_id = user_id
        self.content_request_id = content_request_id
        self.prices = prices
        self.budgets = budgets
        self.currency = currency  # the organization's: budgets are in it
        self.rates = dict(rates or {})
        self.conversions: dict[str, Conversion] = {}  # the rate each guard decided with
        self.cost = Decimal(0)
        self.repair_cost = Decimal(0)  # in the organization's currency, this request's repairs
        self.calls = 0
        self.warnings: list[str] = []
        # the open transaction holding the organization's budget lock, from a billable
        # call's check until its record
        self._locked: Connection | None = None

    def _lock(self) -> Connection:
        """Open the transaction that holds the organization's budget lock (waiting for
        another step's check-call-record to end)."""
        if self._locked is None:
            conn = self.engine.connect()
            conn.begin()
            conn.execute(
                text("select pg_advisory_xact_lock(:namespace, hashtext(:organization))"),
                {"namespace": BUDGET_LOCK_NAMESPACE, "organization": str(self.organization_id)},
            )
            self._locked = conn
        return self._locked

    def release(self) -> None:
        """End a lock no record ended (the call raised before it was reported)."""
        if self._locked is not None:
            conn, self._locked = self._locked, None
            conn.rollback()
            conn.close()

    def record_repair(self, call: ApiCall) -> None:
        """Record a repair's call, and count its cost against the request's repair share."""
        cost, currency = self.record(call)
        if cost:
            rate = conversion(self.rates, currency, self.currency).rate
            self.repair_cost += cost * rate

    def record(self, call: ApiCall) -> tuple[Decimal, str]:
        cost, currency = cost_of(call, self.prices)
        decided = self.conversions.get(currency) if currency != self.currency else None
        exchange = {"exchange_rate": decided.as_dict()} if decided and cost else {}
        params = {
            "organization_id": self.organization_id,
            "user_id": self.user_id,
            "content_request_id": self.content_request_id,
            "api_provider": call.provider,
            "endpoint": call.endpoint,
            "method": call.method,
            "request_parameters": json.dumps(
                {**call.request_parameters, "model": call.model, "error": call.error, **exchange}
            ),
            "response_status": call.status,
            "response_time_ms": max(0, int(call.latency_ms)),
            "cost": cost,
            "currency": currency,
            "tokens_used": call.tokens,
            "images_generated": call.images,
        }
        locked, self._locked = self._locked, None
        if locked is not None:
            # the guarded call's row: written in the check's transaction, whose commit
            # ends the lock
            with locked:
                locked.execute(sql("generation/insert_api_usage"), params)
                locked.commit()
        else:
            with self.engine.begin() as conn:
                conn.execute(sql("generation/insert_api_usage"), params)
        self.cost += cost
        self.calls += 1
        return cost, currency

    def spent_this(self, period: str, conn: Connection | None = None) -> Decimal:
        """Spend this UTC day or month in the organization's currency: each currency's
        sum converted apart, never added as it stands."""
        params = {"organization_id": self.organization_id, "period": period}
        if conn is None:
            with self.engine.connect() as own:
                rows = own.execute(sql("generation/spend_this_period"), params).all()
        else:
            rows = conn.execute(sql("generation/spend_this_period"), params).all()
        return sum(
            (
                Decimal(spent) * conversion(self.rates, currency, self.currency).rate
                for currency, spent in rows
            ),
            Decimal(0),
        )

    def guard(
        self, provider: str, model: str | None, *, repair_share: Decimal | None = None
    ) -> BudgetGuard:
        """A check to run before each billable call of `provider`/`model`: it takes the
        organization's budget lock, which the call's record (or a refusal) ends. With
        `repair_share`, the call is a repair's and may also not take this request's
        repairs beyond that share of any budget."""

        def check(images: int) -> None:
            price = price_for(self.prices, provider, model)
            if price.per_image == 0:
                return
            # refused here, before the call, when the price's currency has no rate
            converted = conversion(self.rates, price.currency, self.currency)
            self.conversions[price.currency] = converted
            estimate = price.per_image * images * converted.rate
            if repair_share is not None:
                # this request's own spend: no lock needed to refuse it
                for budget in self.budgets:
                    self._check_repair_share(budget, repair_share, estimate)
            self.release()  # a previous check whose call was never reported
            conn = self._lock()
            try:
                for budget in self.budgets:
                    self._check(
                        budget, self.spent_this(budget.period, conn), estimate, self.currency
                    )
            except BaseException:
                self.release()
                raise

        return check

    def _check_repair_share(self, budget: Budget, share: Decimal, estimate: Decimal) -> None:
        allowed = budget.amount * share
        if self.repair_cost + estimate > allowed:
            raise BudgetExceededError(
                f"this request's repairs may spend {share} of the {budget.name} budget "
                f"({allowed:.4f} {self.currency}): {self.repair_cost:.4f} spent on its "
                f"repairs, this call would add {estimate:.4f}; no call was made"
            )

    def _check(self, budget: Budget, spent: Decimal, estimate: Decimal, currency: str) -> None:
        since = "today" if budget.period == "day" else "this month"
        if spent + estimate > budget.stop_at:
            stops = "" if budget.stop_at == budget.amount else f" (stopping at {budget.stop_at})"
            raise BudgetExceededError(
                f"{budget.name} budget of {budget.amount} {currency}{stops} would be exceeded: "
                f"{spent:.4f} spent {since}, this call would add {estimate:.4f}; "
                "no call was made"
            )
        if budget.warn_at is not None and spent + estimate >= budget.warn_at:
            warning = (
                f"{budget.name} spend reaches {spent + estimate:.4f} of the "
                f"{budget.amount} {currency} budget"
            )
            # one warning per budget and request: the last figure is the one that matters
            self.warnings = [w for w in self.warnings if not w.startswith(budget.name)]
            self.warnings.append(warning)
