"""What each category of system_settings accepts, checked before anything is written.

The pipeline reads pricing, budgets and placements as JSON objects: a value it could
not use is refused at `set` time, with the message the pipeline itself would give.
Secrets are strings, always stored encrypted. Any other category is free-form: its
data_type is the only rule.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from core.placements import SETTINGS_CATEGORY as PLACEMENTS
from core.placements import PlacementSettingError, with_overrides
from resources.settings.errors import InvalidSettingError
from resources.settings.values import coerce

PRICING, BUDGETS, SECRETS = "pricing", "budgets", "secrets"
ALERTS, WEBHOOK_URL = "alerts", "webhook_url"
EXCHANGE_RATES = "exchange_rates"
ANALYTICS = "analytics"
_RATE_KEY = re.compile(r"^[A-Z]{3}\.[A-Z]{3}$")  # "<FROM>.<TO>", e.g. EUR.USD
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # system_settings.category is varchar(64)
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")  # setting_key is varchar(128)
# api_usage calls are priced by "<provider>.<model>" exactly as the providers name them
_PRICING_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_.-]*$")

_CURRENCY = re.compile(r"^[A-Z]{3}$")  # as api_usage.currency checks it


def _currency(code: str) -> str:
    if not _CURRENCY.match(code):
        raise ValueError("must be a 3-letter currency code in capitals, e.g. USD")
    return code


Currency = Annotated[str, AfterValidator(_currency)]


def _money(whole_digits: int) -> AfterValidator:
    """At most 6 decimals (the scale of api_usage.cost_per_request, numeric(12, 6): a finer
    amount could not be compared with what is billed) and `whole_digits` before the point,
    each said in words a person can act on (pydantic's own message counts total digits)."""
    limit = Decimal(10) ** whole_digits

    def check(value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("must be 0 or more")
        if value != value.quantize(Decimal("0.000001")):
            raise ValueError(f"has more than 6 decimal places ({value}); round it, e.g. 12.5")
        if value >= limit:
            raise ValueError(f"must be below {limit:,}")
        return value

    return AfterValidator(check)


PerImage = Annotated[Decimal, _money(6)]  # numeric(12, 6)
Amount = Annotated[Decimal, _money(8)]  # numeric(14, 6)


class _Strict(BaseModel):
    # a misspelt field would otherwise be stored and silently ignored by the pipeline
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriceSetting(_Strict):
    per_image: PerImage
    currency: Currency = "USD"


class DailyBudget(_Strict):
    daily_budget_usd: Amount
    currency: Currency = "USD"


class MonthlyBudget(_Strict):
    monthly_budget_usd: Amount
    currency: Currency = "USD"


class BudgetAlerts(_Strict):
    warn_at_fraction: Decimal = Field(ge=0, le=10)
    stop_at_fraction: Decimal = Field(ge=0, le=10)

    @model_validator(mode="after")
    def _warn_before_stop(self) -> "BudgetAlerts":
        if self.warn_at_fraction > self.stop_at_fraction:
            raise ValueError("warn_at_fraction must not be above stop_at_fraction")
        return self


BUDGET_KEYS: dict[str, type[_Strict]] = {
    "default.daily": DailyBudget,
    "default.monthly": MonthlyBudget,
    "alerts": BudgetAlerts,
}


@dataclass(frozen=True)
class CategoryRules:
    data_type: str
    # (key, value) → the value to store; raises InvalidSettingError naming the setting
    normalize: Callable[[str, object], object]
    encrypted: bool = False
    keys: str = ""  # what the keys look like, for help texts


def _object(model: type[_Strict], name: str, value: object) -> object:
    if not isinstance(value, Mapping):
        fields = ", ".join(model.model_fields)
        raise InvalidSettingError(f"{name} must be a JSON object with the fields {fields}")
    try:
        parsed = model.model_validate(value)
    except ValidationError as exc:
        raise InvalidSettingError(f"{name}: {_reasons(exc)}") from None
    return coerce(parsed.model_dump(), "json")


def _reasons(exc: ValidationError) -> str:
    reasons = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "value"
        reasons.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(reasons)


def _pricing(key: str, value: object) -> object:
    if not _PRICING_KEY.match(key):
        raise InvalidSettingError(
            f"pricing/{key}: the key must be '<provider>.<model>' in lower case, "
            "e.g. freepik.classic-fast"
        )
    return _object(PriceSetting, f"pricing/{key}", value)


def _budget(key: str, value: object) -> object:
    if key not in BUDGET_KEYS:
        raise InvalidSettingError(
            f"budgets/{key}: unknown budget; known keys: {', '.join(sorted(BUDGET_KEYS))}"
        )
    return _object(BUDGET_KEYS[key], f"budgets/{key}", value)


class ExchangeRate(_Strict):
    # one FROM is worth `rate` TO
    rate: Decimal = Field(gt=0, max_digits=18, decimal_places=10)


def _exchange_rate(key: str, value: object) -> object:
    if not _RATE_KEY.match(key) or key[:3] == key[4:]:
        raise InvalidSettingError(
            f"exchange_rates/{key}: the key must be '<FROM>.<TO>' currency codes, e.g. EUR.USD"
        )
    return _object(ExchangeRate, f"exchange_rates/{key}", value)


class ComplianceMinimum(_Strict):
    # compliance_engagement: a group under either is 'too_few' (integer columns in SQL)
    images: int = Field(ge=1, le=1_000_000)
    impressions: int = Field(ge=0, le=10**15)


ANALYTICS_KEYS: dict[str, type[_Strict]] = {"compliance_engagement.minimum": ComplianceMinimum}
# months of raw api_usage / user_activity_logs kept (assets/analytics/event_partitions.py)
RETENTION_KEY = "event_retention_months"
# periods of a long window the reconciliation check compares
# (assets/analytics/window_checks.py)
SAMPLE_KEY = "reconcile_sample_periods"
# whole-number settings: what the number counts, and what null means
WHOLE_NUMBER_KEYS = {
    RETENTION_KEY: ("months", "to keep every month"),
    SAMPLE_KEY: ("periods", "to reconcile every period"),
}


def _analytics(key: str, value: object) -> object:
    if key in WHOLE_NUMBER_KEYS:
        unit, null_means = WHOLE_NUMBER_KEYS[key]
        whole = isinstance(value, int) and not isinstance(value, bool)
        if value is not None and not (whole and value >= 1):
            raise InvalidSettingError(
                f"analytics/{key} must be a whole number of {unit}, at least 1 "
                f"(or null {null_means})"
            )
        return value
    if key not in ANALYTICS_KEYS:
        known = ", ".join(sorted([*ANALYTICS_KEYS, *WHOLE_NUMBER_KEYS]))
        raise InvalidSettingError(f"analytics/{key}: unknown setting; known keys: {known}")
    return _object(ANALYTICS_KEYS[key], f"analytics/{key}", value)


def _placement(key: str, value: object) -> object:
    # exactly what the variants stage will do with it, so the messages are the same
    try:
        with_overrides({key: value})
    except PlacementSettingError as error:
        raise InvalidSettingError(str(error)) from None
    return coerce(value, "json")


def _secret(key: str, value: object) -> object:
    # no detail about the value: it is the secret
    if not isinstance(value, str) or not value.strip():
        raise InvalidSettingError(f"secrets/{key}: a secret must be a non-empty string")
    return value.strip()


def _alert(key: str, value: object) -> object:
    if key != WEBHOOK_URL:
        raise InvalidSettingError(f"{ALERTS}/{key}: unknown setting; known keys: {WEBHOOK_URL}")
    # the URL carries its token: the message never repeats it
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value.strip()):
        raise InvalidSettingError(f"{ALERTS}/{key}: must be an http:// or https:// URL")
    return value.strip()


RULES: dict[str, CategoryRules] = {
    PRICING: CategoryRules("json", _pricing, keys="<provider>.<model>"),
    BUDGETS: CategoryRules("json", _budget, keys=", ".join(sorted(BUDGET_KEYS))),
    PLACEMENTS: CategoryRules("json", _placement, keys="<platform>.<placement>"),
    EXCHANGE_RATES: CategoryRules("json", _exchange_rate, keys="<FROM>.<TO>, e.g. EUR.USD"),
    SECRETS: CategoryRules("string", _secret, encrypted=True, keys="e.g. freepik.api_key"),
    ALERTS: CategoryRules("string", _alert, encrypted=True, keys=WEBHOOK_URL),
    ANALYTICS: CategoryRules(
        "json", _analytics, keys=", ".join(sorted([*ANALYTICS_KEYS, *WHOLE_NUMBER_KEYS]))
    ),
}


def check_names(category: str, key: str) -> None:
    if not _CATEGORY.match(category):
        raise InvalidSettingError(
            f"category {category!r}: lower-case letters, digits and _, at most 64 characters"
        )
    if not _KEY.match(key):
        raise InvalidSettingError(
            f"{category}/{key!r}: a key is letters, digits and . _ : -, at most 128 characters"
        )


def data_type_for(category: str, requested: str | None, existing: str | None) -> str:
    """The data type a value is stored as: the category's own, else asked for, else kept."""
    rules = RULES.get(category)
    if rules is None:
        return requested or existing or "string"
    if requested and requested != rules.data_type:
        raise InvalidSettingError(f"{category} settings are {rules.data_type}, not {requested}")
    return rules.data_type


def normalize(category: str, key: str, value: object, data_type: str) -> object:
    """`value` as it will be stored, or InvalidSettingError naming the setting and why."""
    check_names(category, key)
    rules = RULES.get(category)
    if rules is not None:
        return rules.normalize(key, value)
    try:
        return coerce(value, data_type)
    except InvalidSettingError as error:
        raise InvalidSettingError(f"{category}/{key}: {error}") from None
