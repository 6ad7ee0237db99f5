"""Provider prices (system_settings, category "pricing") and what a call costs."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.generation import ApiCall, GenerationError


@dataclass(frozen=True)
class Price:
    per_image: Decimal
    currency: str = "USD"


def price_list(rows: Iterable[tuple[str, Mapping]]) -> dict[str, Price]:
    """(setting_key, setting_value) rows → prices keyed "<provider>.<model>"."""
    return {
        key: Price(Decimal(str(value.get("per_image", 0))), str(value.get("currency", "USD")))
        for key, value in rows
    }


def price_for(prices: Mapping[str, Price], provider: str, model: str | None) -> Price:
    key = f"{provider}.{model}"
    if key not in prices:
        raise GenerationError(
            f"no price for {key} in system_settings (category 'pricing'); "
            "add one before generating with it"
        )
    return prices[key]


def cost_of(call: ApiCall, prices: Mapping[str, Price]) -> tuple[Decimal, str]:
    """A failed or otherwise unbilled call costs nothing."""
    if not call.billable:
        return Decimal(0), "USD"
    price = price_for(prices, call.provider, call.model)
    return price.per_image * call.images, price.currency
