"""Everything one request's generation reads from the database, read once."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from assets.generation.currency import CATEGORY as EXCHANGE_RATES
from assets.generation.currency import rate_table
from assets.generation.pricing import Price, price_list
from core.generation import PaletteColor
from core.placements import Placement, primary_placement
from resources.settings import category_values, placements
from resources.sql_files import sql


@dataclass(frozen=True)
class RequestContext:
    request: Mapping
    organization_settings: Mapping
    brand_profile: Mapping
    brand_assets: list[Mapping]
    templates: dict[str, Mapping]  # platform → content_templates row
    prices: dict[str, Price]
    budgets: dict[str, Mapping]
    exchange_rates: dict[tuple[str, str], Decimal]
    # the placements file with system_settings overrides: what compliance judges by
    placements: tuple[Placement, ...]

    @property
    def palette(self) -> tuple[PaletteColor, ...]:
        palette = self.brand_profile.get("color_palette") or []
        return tuple(
            PaletteColor(entry["hex"], float(entry.get("weight", 1.0)))
            for entry in palette
            if isinstance(entry, Mapping) and entry.get("hex")
        )


def _settings(conn: Connection, category: str) -> dict[str, Mapping]:
    values = category_values(conn, category)
    return {key: value for key, value in values.items() if isinstance(value, Mapping)}


def load_context(conn: Connection, request_id: object) -> RequestContext:
    request = conn.execute(sql("generation/load_request"), {"request_id": request_id}).mappings()
    request = request.one()
    brand_id = request["brand_profile_id"]
    platforms = list(request["target_platforms"] or [])
    configured = placements(conn)
    primary = []
    for platform in platforms:
        try:
            primary.append(primary_placement(platform, configured).placement)
        except LookupError:
            continue  # reported by check_request, with the platform's name
    templates = conn.execute(
        sql("generation/load_templates"),
        {
            "brand_profile_id": brand_id,
            "platforms": platforms,
            "template_id": request["template_id"],
            "primary_placements": primary,
        },
    ).mappings()
    return RequestContext(
        request=request,
        organization_settings=request["organization_settings"] or {},
        brand_profile=conn.execute(sql("brand_kits/load_brand_kit"), {"brand_profile_id": brand_id})
        .mappings()
        .one(),
        brand_assets=list(
            conn.execute(sql("brand_kits/load_brand_assets"), {"brand_profile_id": brand_id})
            .mappings()
            .all()
        ),
        templates={row["platform"]: row for row in templates},
        prices=price_list(_settings(conn, "pricing").items()),
        budgets=_settings(conn, "budgets"),
        exchange_rates=rate_table(_settings(conn, EXCHANGE_RATES).items()),
        placements=configured,
    )
