"""The generation stage in Dagster: generated_assets, the master images, and its check.

Thin on purpose: each asset reads, calls the plain functions beside it, and
reports what happened in its metadata.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetIn,
    Config,
    Definitions,
    DynamicOut,
    DynamicOutput,
    In,
    MetadataValue,
    Nothing,
    OpExecutionContext,
    Output,
    RetryPolicy,
    asset_check,
    config_mapping,
    graph_asset,
    op,
)
from pydantic import Field

from assets.catalog import table_metadata
from assets.generation.claims import stamp_claims
from assets.generation.file_facts import dimension_problems
from assets.generation.jobs import generation_jobs
from assets.generation.process import GenerationServices, RequestOutcome, process_request
from assets.owners import owned
from assets.rendering.contact_sheet import contact_sheet
from core.tables import markdown_table
from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource
from resources.shared import DATABASE, IMAGE_PROVIDER, IMAGE_STORE
from resources.sql_files import sql
from resources.wording import plural

GENERATION_GROUP = "generation"


class GenerationConfig(Config):
    request_ids: list[str] = Field(
        default_factory=list, description="content_requests ids to generate (the sensor fills it)"
    )
    force: bool = Field(
        default=False, description="Also regenerate requests already past generation."
    )


@dataclass(frozen=True)
class RequestToGenerate:
    """One request of the run, as its own step receives it."""

    request_id: str
    force: bool
    run_started_at: datetime


def _mapping_key(index: int, request_id: str) -> str:
    # a step key must be letters, digits and underscores; the index keeps a request
    # named twice (or two odd ids that clean to the same text) apart
    return f"r{index}_" + re.sub(r"[^A-Za-z0-9_]", "_", request_id)[:40]


@op(ins={"after": In(Nothing)}, out=DynamicOut(RequestToGenerate))
def requests_to_generate(
    context: OpExecutionContext, config: GenerationConfig, database: DatabaseResource
) -> Iterator[DynamicOutput[RequestToGenerate]]:
    """The run's requests, one step each: workers take them in parallel."""
    # the requests this run was launched for now name it: if it dies, they are released
    stamp_claims(database.get_engine(), config.request_ids, context.run.run_id)
    started_at = datetime.now(UTC)
    for index, request_id in enumerate(config.request_ids):
        yield DynamicOutput(
            RequestToGenerate(request_id, config.force, started_at),
            mapping_key=_mapping_key(index, request_id),
        )


# the image API is rate-limited: steps that may call it share the "freepik" pool. A step
# that fails for a passing reason (a lost database connection, a worker's broken pipe)
# runs again: process_request skips what a first attempt recorded, never pays twice
@op(pool="freepik", retry_policy=RetryPolicy(max_retries=2, delay=1))
def generate_request(
    context: OpExecutionContext,
    item: RequestToGenerate,
    database: DatabaseResource,
    image_store: ImageStoreResource,
    image_provider: ImageProviderResource,
) -> RequestOutcome:
    """One request's master images (assets/generation/process.py); a failure of the
    request is its outcome, so that it never fails the other requests' steps."""
    engine = database.get_engine()
    # with the engine, the provider can read its API key from system_settings secrets
    provider_for = partial(image_provider.provider_for, engine=engine)
    services = GenerationServices(engine, image_store.get_store(), provider_for)
    outcome = process_request(
        services,
        item.request_id,
        force=item.force,
        run_id=context.run.run_id,
        run_started_at=item.run_started_at,
    )
    log = context.log.warning if outcome.status == "failed" else context.log.info
    log(
        f"request {item.request_id}: {outcome.status}"
        + (f" — {outcome.reason}" if outcome.reason else "")
        + f" ({plural(len(outcome.images), 'image')}, {outcome.cost} USD)"
    )
    for warning in outcome.warnings:
        context.log.warning(f"request {item.request_id}: {warning}")
    return outcome


@op
def generation_summary(
    context: OpExecutionContext,
    outcomes: list[RequestOutcome],
    database: DatabaseResource,
    image_store: ImageStoreResource,
) -> Output[None]:
    """What the run did, request by request, as the asset's metadata (with the table's
    catalog metadata: columns, row count)."""
    store = image_store.get_store()
    metadata = _generation_metadata(context.run.run_id, outcomes, store)
    return Output(
        None, metadata={**metadata, **table_metadata(database.get_engine(), "generated_assets")}
    )


@config_mapping
def _generation_config(config: GenerationConfig) -> dict:
    # the run config keeps its one-asset shape: ops.generated_assets.config
    return {
        "requests_to_generate": {
            "config": {"request_ids": config.request_ids, "force": config.force}
        }
    }


@graph_asset(
    group_name=GENERATION_GROUP,
    kinds={"python", "postgres"},
    ins={
        name: AssetIn(key=name, dagster_type=Nothing)
        for name in ("brand_profiles", "brand_assets", "content_templates", "content_requests")
    },
    config=_generation_config,
)
def generated_assets(brand_profiles, brand_assets, content_templates, content_requests):
    """Master images: one per target platform and candidate, at the platform's primary
    placement size, the brand template composed over the provider's background.

    One step per request (a dynamic fan-out): on the Celery or multiprocess executor,
    workers generate different requests of one run at once."""
    requests = requests_to_generate(
        after=[brand_profiles, brand_assets, content_templates, content_requests]
    )
    return generation_summary(requests.map(generate_request).collect())


REPAIR_COLUMNS = ("request", "image", "before", "after", "attempts", "provider calls", "stopped")


def _generation_metadata(run_id: str, outcomes: list[RequestOutcome], store) -> dict:
    images = [image for outcome in outcomes for image in outcome.images]
    repairs = [note for outcome in outcomes for note in outcome.repairs]
    metadata = {
        "requests": len(outcomes),
        "generated": sum(o.status == "generated" for o in outcomes),
        "failed": sum(o.status == "failed" for o in outcomes),
        "skipped": sum(o.status == "skipped" for o in outcomes),
        "images": len(images),
        "provider_calls": sum(o.calls for o in outcomes),
        "cost_usd": float(sum(o.cost for o in outcomes)),
        # images made again after failing only repairable rules (docs/REPAIRS.md)
        "repaired_images": len(repairs),
        "repair_provider_calls": sum(note.provider_calls for note in repairs),
        # the requests whose images this run wrote: what the dimensions check reads
        "request_ids": MetadataValue.json([o.request_id for o in outcomes if o.images]),
    }
    problems = [o for o in outcomes if o.status != "generated"]
    if problems:
        metadata["not_generated"] = MetadataValue.md(
            markdown_table(
                ("request", "status", "reason"),
                [(o.request_id, o.status, o.reason or "") for o in problems],
                limit=None,
            )
        )
    warned = [(o.request_id, w) for o in outcomes for w in o.warnings]
    if warned:
        # budget alerts and brief problems: routing later replaces status_reason
        metadata["warnings"] = MetadataValue.md(
            markdown_table(("request", "warning"), warned, limit=None)
        )
    if repairs:
        metadata["repairs"] = MetadataValue.md(
            markdown_table(
                REPAIR_COLUMNS,
                [
                    (
                        n.request_id,
                        f"{n.platform} {n.variant_type}",
                        f"{n.before:.2f} ({n.status_before})",
                        f"{n.after:.2f} ({n.status_after})",
                        n.attempts,
                        n.provider_calls,
                        n.stopped,
                    )
                    for n in repairs
                ],
                limit=50,
            )
        )
    if images:
        sheet = contact_sheet(
            [(f"{i.platform} {i.variant_type}", store.read(i.key)) for i in images]
        )
        stored = store.put(f"contact-sheets/{run_id}.png", sheet)
        metadata["contact_sheet"] = MetadataValue.path(stored.url.removeprefix("file://"))
    return metadata


@asset_check(asset=generated_assets, blocking=True)
def generated_assets_record_their_files(
    context: AssetCheckExecutionContext, database: DatabaseResource, image_store: ImageStoreResource
) -> AssetCheckResult:
    """Each image the latest run wrote has the width, height and format of its file."""
    event = context.instance.get_latest_materialization_event(generated_assets.key)
    written = event.asset_materialization.metadata.get("request_ids") if event else None
    request_ids = list(written.value) if written is not None else []
    with database.get_engine().connect() as conn:
        rows = (
            conn.execute(sql("generation/request_asset_dimensions"), {"request_ids": request_ids})
            .mappings()
            .all()
        )
    problems = dimension_problems(rows, image_store.get_store().read)
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "images_checked": len(rows),
            "problems": len(problems),
            "details": MetadataValue.md("\n".join(f"- {p}" for p in problems[:50]) or "none"),
        },
    )


defs = Definitions(
    assets=owned([generated_assets]),
    asset_checks=[generated_assets_record_their_files],
    jobs=generation_jobs,
    resources={"database": DATABASE, "image_store": IMAGE_STORE, "image_provider": IMAGE_PROVIDER},
)
