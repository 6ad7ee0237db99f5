"""One variants run, end to end (no Dagster): pick assets, render in a pool, replace rows.

Assets are skipped while compliance has not scored them (pending) or when a
strict brand rejected them; any failure — unreadable image, impossible byte
limit, unknown platform — is that asset's alone, and leaves its previous
variants as they were.
"""

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from assets.brand_kits import TemplateError
from assets.variants.pool import JobFailure, RenderJob, default_workers, render_all
from assets.variants.records import ELIGIBLE, AssetChangedError, SavedVariant, replace_variants
from assets.variants.render import RenderOptions
from assets.variants.zones import template_zones
from core.placements import placements_for
from resources.file_store import FileStore
from resources.settings import placements as placements_from_settings
from resources.sql_files import sql

SKIP_REASONS = {
    "pending": "not scored by compliance yet",
    "rejected": "rejected by compliance (strict brand)",
}


@dataclass
class AssetOutcome:
    asset_id: str
    platform: str
    status: str  # rendered | failed | skipped
    reason: str | None = None
    variants: list[SavedVariant] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass
class RunSummary:
    outcomes: list[AssetOutcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def variants(self) -> list[SavedVariant]:
        return [v for o in self.outcomes for v in o.variants]


def run_variants(
    engine: Engine,
    store: FileStore,
    *,
    request_ids: Sequence[str] = (),
    asset_ids: Sequence[str] = (),
    force: bool = False,
    options: RenderOptions | None = None,
    workers: int = 0,
    run_id: str = "",
) -> RunSummary:
    options = options or RenderOptions()
    with engine.connect() as conn:
        placements = placements_from_settings(conn)
        candidates = (
            conn.execute(
                sql("variants/candidates"),
                {"request_ids": list(request_ids), "asset_ids": list(asset_ids)},
            )
            .mappings()
            .all()
        )
        template_ids = sorted({c["template_id"] for c in candidates if _is_uuid(c["template_id"])})
        templates = {
            str(row["id"]): row
            for row in conn.execute(sql("variants/templates"), {"template_ids": template_ids})
            .mappings()
            .all()
        }
    outcomes: dict[str, AssetOutcome] = {}
    todo: dict[str, Mapping] = {}
    for asset in candidates:
        key = str(asset["id"])
        reason = _skip_reason(asset, force)
        if reason:
            outcomes[key] = AssetOutcome(key, asset["platform"], "skipped", reason)
        else:
            todo[key] = asset
    zones_from: dict[str, str] = {}
    jobs = _jobs(todo, templates, placements, store, options, outcomes, zones_from)
    # a pool pays ~1 s to start its workers: not worth it for a single image
    workers = min(workers or default_workers(), max(1, len(todo)))
    for key, result in render_all(jobs, workers):
        asset = todo[key]
        if isinstance(result, JobFailure):
            outcomes[key] = AssetOutcome(key, asset["platform"], "failed", result.reason)
            continue
        extra = {"run_id": run_id, "zones_from": zones_from[key]}
        try:
            saved = replace_variants(engine, store, asset, result, extra)
        except AssetChangedError as error:
            outcomes[key] = AssetOutcome(key, asset["platform"], "skipped", str(error))
            continue
        notes = (*result.notes, f"zones: {zones_from[key]}")
        outcomes[key] = AssetOutcome(
            key, asset["platform"], "rendered", None, saved, notes, result.seconds
        )
    order = [str(c["id"]) for c in candidates]
    return RunSummary([outcomes[key] for key in order if key in outcomes])


def _skip_reason(asset: Mapping, force: bool) -> str | None:
    status = asset["validation_status"]
    if status not in ELIGIBLE:
        return SKIP_REASONS.get(status, f"validation status {status}")
    if asset["up_to_date"] and not force:
        return "variants up to date (force to re-render)"
    return None


def _jobs(todo, templates, placements, store, options, outcomes, zones_from) -> Iterator[RenderJob]:
    """Jobs read their image lazily, so that a large run never holds every source at once."""
    for key, asset in todo.items():
        try:
            targets = placements_for(asset["platform"], placements)
            if not asset["file_path"]:
                raise ValueError("the generated asset has no image file")
            data = store.read(asset["file_path"])
        except (LookupError, OSError, ValueError) as error:
            outcomes[key] = AssetOutcome(key, asset["platform"], "failed", _why(error))
            continue
        zones, canvas = [], None
        template = templates.get(asset["template_id"] or "")
        try:
            if template is None:
                raise TemplateError(str(asset["template_id"]), "template", "not found")
            zones, canvas = template_zones(template)
            zones_from[key] = f"template {asset['template_id']}"
        except TemplateError as error:
            zones_from[key] = f"none, content-aware crop ({error})"
        yield RenderJob(key, data, targets, zones, canvas, options)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _why(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return f"master image missing from the image store ({error.filename or error})"
    return str(error)[:500]
