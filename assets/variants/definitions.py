"""The variants stage in Dagster: `asset_variants` and the checks on what it wrote.

Thin on purpose: the asset calls `run_variants` (assets/variants/batch.py) and
reports; the checks call the plain functions of assets/variants/checks.py.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
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
from assets.owners import owned
from assets.rendering.contact_sheet import contact_sheet
from assets.variants import checks
from assets.variants.batch import RunSummary, run_variants
from assets.variants.crops import MISFIT_POLICIES
from assets.variants.focus import INTERESTING
from assets.variants.render import RenderOptions
from assets.variants.report import preview_markdown, problems_markdown, summary_metadata
from resources.database import DatabaseResource
from resources.file_store import FileStore
from resources.image_store import ImageStoreResource
from resources.settings import placements as placements_from_settings
from resources.shared import DATABASE, IMAGE_STORE
from resources.sql_files import sql

VARIANTS_GROUP = "variants"
SHEET_PLACEMENTS = 12


class VariantsConfig(Config):
    request_ids: list[str] = Field(
        default_factory=list, description="content_requests whose generated assets to render"
    )
    asset_ids: list[str] = Field(default_factory=list, description="generated_assets to render")
    force: bool = Field(
        default=False, description="Re-render assets whose variants are already up to date."
    )
    workers: int = Field(
        default=0, ge=0, description="Rendering processes: 0 = one per core, 1 = in this process."
    )
    misfit: str = Field(
        default="extend",
        description=f"Zones no cover crop can hold: {' or '.join(MISFIT_POLICIES)} "
        "(extend the frame with edge fill, or crop the least zone area).",
    )
    interesting: str = Field(
        default="attention",
        description=f"Framing without template zones: {', '.join(INTERESTING)}.",
    )


@asset(
    group_name=VARIANTS_GROUP,
    kinds={"python", "postgres"},
    # compliance decides what may be published: variants come after it
    deps=["asset_compliance"],
)
def asset_variants(
    context: AssetExecutionContext,
    config: VariantsConfig,
    database: DatabaseResource,
    image_store: ImageStoreResource,
) -> MaterializeResult:
    """Every placement of each generated asset's platform, as JPEG (PNG with transparency)
    and WebP: crops that keep the template's text and logo whole, the highest quality under
    the placement's byte limit, SSIM against an exact resize. Named requests or assets, or
    else every scored asset whose variants are missing or stale; pending and rejected
    assets are skipped. A re-run replaces an asset's variants and their files."""
    store = image_store.get_store()
    summary = run_variants(
        database.get_engine(),
        store,
        request_ids=config.request_ids,
        asset_ids=config.asset_ids,
        force=config.force,
        options=RenderOptions(misfit=config.misfit, interesting=config.interesting),
        workers=config.workers,
        run_id=context.run.run_id,
    )
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            context.log.warning(f"asset {outcome.asset_id}: {outcome.reason}")
    metadata = _metadata(context.run.run_id, summary, store)
    catalog = table_metadata(database.get_engine(), "asset_variants")
    return MaterializeResult(metadata={**metadata, **catalog})


def _metadata(run_id: str, summary: RunSummary, store: FileStore) -> dict:
    metadata: dict = dict(summary_metadata(summary))
    metadata["preview"] = MetadataValue.md(preview_markdown(summary))
    problems = problems_markdown(summary)
    if problems:
        metadata["not_rendered"] = MetadataValue.md(problems)
    first = next((o for o in summary.outcomes if o.variants), None)
    if first is not None:
        shown = [v for v in first.variants if v.rendition.format != "webp"][:SHEET_PLACEMENTS]
        sheet = contact_sheet(
            [
                (f"{v.rendition.placement} q{v.rendition.quality or '-'}", v.rendition.data)
                for v in shown
            ]
        )
        stored = store.put(f"contact-sheets/{run_id}-variants.png", sheet)
        metadata["contact_sheet"] = MetadataValue.path(stored.url.removeprefix("file://"))
    return metadata


def _written_rows(context: AssetCheckExecutionContext, database: DatabaseResource):
    """The rows the latest materialization of asset_variants wrote, and the placements."""
    event = context.instance.get_latest_materialization_event(asset_variants.key)
    run_id = event.run_id if event else ""
    with database.get_engine().connect() as conn:
        rows = conn.execute(sql("variants/run_variants"), {"run_id": run_id}).mappings().all()
        return rows, placements_from_settings(conn)


def _result(rows, problems: list[str]) -> AssetCheckResult:
    listed = "\n".join(f"- {p}" for p in problems[:50]) or "none"
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "variants_checked": len(rows),
            "problems": len(problems),
            "details": MetadataValue.md(listed),
        },
    )


@asset_check(asset=asset_variants, blocking=True)
def variants_have_exact_dimensions(
    context: AssetCheckExecutionContext, database: DatabaseResource, image_store: ImageStoreResource
) -> AssetCheckResult:
    """Each file decodes to its placement's exact pixel size, as its row says."""
    rows, placements = _written_rows(context, database)
    read = image_store.get_store().read
    return _result(rows, checks.dimension_problems(rows, read, placements))


@asset_check(asset=asset_variants, blocking=True)
def variants_fit_byte_limits(
    context: AssetCheckExecutionContext, database: DatabaseResource, image_store: ImageStoreResource
) -> AssetCheckResult:
    """Each file is within its placement's byte limit, and as big as its row says."""
    rows, placements = _written_rows(context, database)
    read = image_store.get_store().read
    return _result(rows, checks.byte_problems(rows, read, placements))


@asset_check(asset=asset_variants)
def variants_quality_score(
    context: AssetCheckExecutionContext, database: DatabaseResource
) -> AssetCheckResult:
    """Each variant's quality_score (SSIM against an exact resize) is at least 0.9."""
    rows, _ = _written_rows(context, database)
    return _result(rows, checks.quality_problems(rows))


class FillShareConfig(Config):
    max_fill_share: float = Field(
        default=checks.MAX_FILL_SHARE,
        ge=0,
        le=1,
        description="A variant whose share of fill pixels is above this fails the check "
        f"(above {checks.FILL_WARN:.0%} it is a warning).",
    )


@asset_check(asset=asset_variants)
def variants_fill_share(
    context: AssetCheckExecutionContext, config: FillShareConfig, database: DatabaseResource
) -> AssetCheckResult:
    """Each variant is mostly picture: fill above the maximum fails, above 30 % is listed
    as a warning."""
    rows, _ = _written_rows(context, database)
    failures, warnings = checks.fill_problems(rows, config.max_fill_share)
    result = _result(rows, failures)
    listed = "\n".join(f"- {w}" for w in warnings[:50]) or "none"
    return AssetCheckResult(
        passed=result.passed,
        metadata={
            **result.metadata,
            "over_warning": len(warnings),
            "warnings": MetadataValue.md(listed),
        },
    )


VARIANT_CHECKS = [
    variants_have_exact_dimensions,
    variants_fit_byte_limits,
    variants_quality_score,
    variants_fill_share,
]


defs = Definitions(
    assets=owned([asset_variants]),
    asset_checks=VARIANT_CHECKS,
    resources={"database": DATABASE, "image_store": IMAGE_STORE},
)
