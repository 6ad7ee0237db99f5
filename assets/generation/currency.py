"""Exchange rates (system_settings, category "exchange_rates") and conversions into the
organization's currency. Amounts in different currencies are never added as they are.

A rate is stored under the key "<FROM>.<TO>" (e.g. "EUR.USD") with the value
{"rate": 1.08}: one FROM is worth `rate` TO. Only the direction stored is used.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.generation import GenerationError

CATEGORY = "exchange_rates"
DEFAULT_CURRENCY = "USD"


class NoExchangeRateError(GenerationError):
    """A price or a spend in a currency with no rate into the organization's currency."""


@dataclass(frozen=True)
class Conversion:
    source: str
    target: str
    rate: Decimal

    @property
    def setting(self) -> str:
        return f"{CATEGORY}/{self.source}.{self.target}"

    def as_dict(self) -> dict[str, str]:
        return {
            "from": self.source,
            "to": self.target,
            "rate": str(self.rate),
            "setting": self.setting,
        }


def organization_currency(settings: Mapping) -> str:
    """organizations.settings.currency, USD when unset."""
    value = settings.get("currency")
    return str(value).strip().upper() if value else DEFAULT_CURRENCY


def rate_table(rows: Iterable[tuple[str, object]]) -> dict[tuple[str, str], Decimal]:
    """(setting_key, setting_value) rows → {(FROM, TO): rate}; malformed rows are left out
    (the settings store refuses them when they are set)."""
    rates = {}
    for key, value in rows:
        parts = key.split(".")
        if len(parts) != 2 or not isinstance(value, Mapping) or "rate" not in value:
            continue
        rate = Decimal(str(value["rate"]))
        if rate > 0:
            rates[(parts[0], parts[1])] = rate
    return rates


def conversion(rates: Mapping[tuple[str, str], Decimal], source: str, target: str) -> Conversion:
    """How an amount in ``source`` becomes ``target``, or NoExchangeRateError."""
    if source == target:
        return Conversion(source, target, Decimal(1))
    if (source, target) not in rates:
        raise NoExchangeRateError(
            f"no exchange rate from {source} to {target} (system_settings "
            f"{CATEGORY}/{source}.{target}); a call priced in {source} is refused before "
            "it is made"
        )
    return Conversion(source, target, rates[(source, target)])
