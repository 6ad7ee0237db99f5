"""The brand kits stage in Dagster: organizations (the source every kit hangs off) and
the audits of brand_profiles, brand_assets and content_templates.

Thin on purpose: each asset reads, calls the audit beside it (audit.py), and reports
the valid and invalid rows in its metadata.
"""

from dagster import AssetSpec, Definitions, MaterializeResult, MetadataValue, asset

from assets.brand_kits import audit as kit_audit
from assets.catalog import table_metadata
from assets.owners import owned
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from resources.shared import DATABASE, IMAGE_STORE

KIT_GROUP = "brand_kits"


def _audit_result(findings: list[kit_audit.Finding], catalog: dict) -> MaterializeResult:
    invalid = [f for f in findings if not f.valid]
    return MaterializeResult(
        metadata={
            "valid": len(findings) - len(invalid),
            "invalid": len(invalid),
            "invalid_details": MetadataValue.md(kit_audit.findings_markdown(findings)),
            **catalog,
        }
    )


# Tenants are created by the application, not by a run: the graph shows them as
# the source every brand kit hangs off.
organizations = AssetSpec(
    "organizations",
    group_name=KIT_GROUP,
    kinds={"postgres"},
    description="Tenants (the application creates them); every row of tenant data "
    "belongs to exactly one organization.",
)


@asset(group_name=KIT_GROUP, kinds={"postgres"}, deps=[organizations])
def brand_profiles(
    database: DatabaseResource, image_store: ImageStoreResource
) -> MaterializeResult:
    """Brand kits, validated: colours parse, palette in CIELAB, fonts resolve, logo decodes.

    An invalid kit is listed with its reason; it fails only the requests that use it.
    """
    with database.get_engine().connect() as conn:
        findings = kit_audit.audit_brand_profiles(conn, image_store.get_store().read)
    return _audit_result(findings, table_metadata(database.get_engine(), "brand_profiles"))


@asset(group_name=KIT_GROUP, kinds={"postgres"}, deps=[brand_profiles])
def brand_assets(database: DatabaseResource, image_store: ImageStoreResource) -> MaterializeResult:
    """Brand asset files (logos, icons, patterns): each must exist in the store and decode."""
    with database.get_engine().connect() as conn:
        findings = kit_audit.audit_brand_assets(conn, image_store.get_store().read)
    return _audit_result(findings, table_metadata(database.get_engine(), "brand_assets"))


@asset(group_name=KIT_GROUP, kinds={"postgres"}, deps=[brand_profiles])
def content_templates(database: DatabaseResource) -> MaterializeResult:
    """Templates, validated: canvas and zones inside it, story text outside the UI overlays."""
    with database.get_engine().connect() as conn:
        findings = kit_audit.audit_templates(conn)
    return _audit_result(findings, table_metadata(database.get_engine(), "content_templates"))


defs = Definitions(
    assets=owned([organizations, brand_profiles, brand_assets, content_templates]),
    resources={"database": DATABASE, "image_store": IMAGE_STORE},
)
