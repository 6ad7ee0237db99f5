"""The compliance stage in Dagster: asset_compliance and the check that holds rejected assets back.

Thin on purpose: the asset reads, calls assets/compliance/verdicts.py, and reports.
"""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Config,
    Definitions,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from pydantic import Field

from assets.catalog import table_metadata
from assets.compliance.report import summarise
from assets.compliance.verdicts import BATCH_SIZE, MAX_ASSETS, ComplianceServices, score_assets
from assets.owners import owned
from core.tables import markdown_table
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from resources.shared import DATABASE, IMAGE_STORE
from resources.sql_files import sql

COMPLIANCE_GROUP = "compliance"
MARKDOWN = ("by_status", "most_common_violations", "lowest_scores", "not_scored_details")
CHECK_PREVIEW_ROWS = 50


class ComplianceConfig(Config):
    request_ids: list[str] = Field(
        default_factory=list,
        description="Re-score every asset of these content_requests; empty = every pending asset.",
    )
    max_assets: int = Field(default=MAX_ASSETS, ge=1, description="Assets scored per run, at most.")
    batch_size: int = Field(default=BATCH_SIZE, ge=1, description="Verdicts per transaction.")


@asset(group_name=COMPLIANCE_GROUP, kinds={"python", "postgres"}, deps=["generated_assets"])
def asset_compliance(
    context: AssetExecutionContext,
    config: ComplianceConfig,
    database: DatabaseResource,
    image_store: ImageStoreResource,
) -> MaterializeResult:
    """Brand compliance of every generated image: palette, logo, text contrast, platform fit,
    safe zones and fonts, each with value, threshold and weight; a 0–100 score; and the
    verdict the brand's enforcement level gives it (strict brands reject on any failure)."""
    services = ComplianceServices(database.get_engine(), image_store.get_store())
    verdicts = score_assets(
        services,
        config.request_ids,
        max_assets=config.max_assets,
        batch_size=config.batch_size,
        run_id=context.run.run_id,
    )
    for verdict in verdicts:
        if not verdict.saved:
            context.log.warning(f"asset {verdict.asset_id} not scored: {verdict.error}")
    summary = summarise(verdicts)
    metadata = {
        key: MetadataValue.md(value) if key in MARKDOWN else value
        for key, value in summary.items()
        if value is not None
    }
    # the verdicts are columns of generated_assets
    catalog = table_metadata(database.get_engine(), "generated_assets")
    return MaterializeResult(metadata={**metadata, **catalog})


@asset_check(
    asset=asset_compliance,
    blocking=True,
    description="Rejected assets are held back: none has variants made from its rejected "
    "image, and every verdict has a score (and every score a verdict). Blocks the variant "
    "stage when it fails.",
)
def no_rejected_assets_pass_through(database: DatabaseResource) -> AssetCheckResult:
    with database.get_engine().connect() as conn:
        problems = conn.execute(
            sql("compliance/rejected_past_compliance"), {"max_rows": CHECK_PREVIEW_ROWS}
        ).all()
        counts = {
            row.validation_status: row.assets
            for row in conn.execute(sql("compliance/verdict_counts"))
        }
    metadata = {
        "rejected_assets": counts.get("rejected", 0),
        "pending_assets": counts.get("pending", 0),
        "problems": len(problems),
    }
    if problems:
        metadata["problem_assets"] = MetadataValue.md(
            markdown_table(
                ("asset", "request", "platform", "score", "variants", "problem"),
                [
                    (
                        p.id,
                        p.content_request_id,
                        p.platform,
                        p.compliance_score,
                        p.variants,
                        p.problem,
                    )
                    for p in problems
                ],
                # the query already stops at CHECK_PREVIEW_ROWS
                limit=None,
                right=("score", "variants"),
            )
        )
    return AssetCheckResult(
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        metadata=metadata,
        description=(
            f"{len(problems)} asset(s) got past compliance that should not have"
            if problems
            else f"{metadata['rejected_assets']} rejected asset(s), all held back"
        ),
    )


defs = Definitions(
    assets=owned([asset_compliance]),
    asset_checks=[no_rejected_assets_pass_through],
    resources={"database": DATABASE, "image_store": IMAGE_STORE},
)
