"""Who answers for each stage's assets (shown in the UI and in `dg list defs`): one team
per stage, by group name, so that a new asset in a group gets its owner for free."""

from dagster import AssetSpec, map_asset_specs

STAGE_OWNERS = {
    "brand_kits": "team:brand-governance",
    "requests": "team:content-platform",
    "generation": "team:content-platform",
    "compliance": "team:brand-governance",
    "variants": "team:content-platform",
    "approvals": "team:marketing-ops",
    "analytics": "team:data-analytics",
}


def _owned(spec: AssetSpec) -> AssetSpec:
    owner = STAGE_OWNERS.get(spec.group_name or "")
    return spec.replace_attributes(owners=[owner]) if owner and not spec.owners else spec


def owned(assets: list) -> list:
    """The assets with their stage's owner (STAGE_OWNERS) where they name none."""
    return map_asset_specs(_owned, assets)
