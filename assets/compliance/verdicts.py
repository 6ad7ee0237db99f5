"""Score generated assets and record their verdicts (no Dagster).

Images are read and scored outside any transaction; each batch's verdicts are then
written in one transaction. What an asset's failure means:

- its image is missing from the store, or will not decode, or is over the pixel
  limit: rejected with score 0, whatever the brand's enforcement level (nothing
  downstream could use it);
- its brand kit is invalid now, the store could not be read, or scoring failed
  unexpectedly: left pending with the reason reported, so a later run retries it.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Engine

from assets.brand_kits import BrandKit, BrandKitError, load_brand_kit
from assets.compliance.images import ImageRefusedError, load_image
from assets.compliance.results import DETAILS_VERSION
from assets.compliance.scorer import score
from core.placements import Placement, all_placements, primary_placement
from resources.file_store import FileStore
from resources.settings import placements as placements_from_settings
from resources.sql_files import sql

log = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ASSETS = 2_000


@dataclass
class AssetVerdict:
    asset_id: str
    request_id: str
    brand: str
    platform: str
    status: str | None  # None: not scored, still pending (see error)
    score: float | None = None
    violations: list[str] = field(default_factory=list)
    error: str | None = None
    elapsed_ms: float = 0.0
    saved: bool = False


@dataclass(frozen=True)
class ComplianceServices:
    engine: Engine
    store: FileStore


def _placements(conn: Connection) -> tuple[Placement, ...]:
    try:
        return placements_from_settings(conn)
    except ValueError as error:  # a bad override must not stop scoring
        log.warning("placement overrides ignored: %s", error)
        return all_placements()


def _kits(conn: Connection, brand_ids: set, read) -> dict[str, BrandKit | BrandKitError]:
    kits: dict[str, BrandKit | BrandKitError] = {}
    for brand_id in brand_ids:
        profile = conn.execute(sql("brand_kits/load_brand_kit"), {"brand_profile_id": brand_id})
        assets = conn.execute(sql("brand_kits/load_brand_assets"), {"brand_profile_id": brand_id})
        try:
            kits[str(brand_id)] = load_brand_kit(
                profile.mappings().one(), assets.mappings().all(), read
            )
        except BrandKitError as error:
            kits[str(brand_id)] = error
    return kits


def placement_of(row: Mapping, placements: Sequence[Placement]) -> Placement | None:
    """The placement an asset was made for: its render's, else its platform's primary."""
    parameters = row.get("generation_parameters") or {}
    render = parameters.get("render") if isinstance(parameters.get("render"), Mapping) else {}
    key = render.get("placement") or parameters.get("placement")
    found = next((p for p in placements if p.key == key), None)
    if found is None:
        try:
            found = primary_placement(row["platform"], placements)
        except LookupError:
            return None
    return found


def _refused(reason: str, run_id: str | None) -> dict:
    return {
        "version": DETAILS_VERSION,
        "score": 0.0,
        "status": "rejected",
        "error": reason,
        "violations": ["image"],
        "rules": [],
        "scored_at": datetime.now(UTC).isoformat(),
        "run_id": run_id,
    }


def score_row(
    row: Mapping,
    kit: BrandKit | BrandKitError | None,
    store: FileStore,
    placements: Sequence[Placement],
    run_id: str | None = None,
) -> tuple[AssetVerdict, dict | None]:
    """One asset's verdict and the compliance_details to save (None: leave it pending)."""
    verdict = AssetVerdict(
        str(row["id"]), str(row["content_request_id"]), row["brand_name"], row["platform"], None
    )
    if not isinstance(kit, BrandKit):
        verdict.error = f"brand kit unusable: {kit}"
        return verdict, None
    try:
        data = store.read(row["file_path"])
    except FileNotFoundError:
        data = None
    except Exception as error:  # noqa: BLE001 - the store's own error; retried next run
        verdict.error = f"image could not be read: {type(error).__name__}: {error}"
        return verdict, None
    try:
        if data is None:
            raise ImageRefusedError(f"the image file {row['file_path']} is missing from the store")
        image = load_image(data)
    except ImageRefusedError as error:
        verdict.status, verdict.score, verdict.violations = "rejected", 0.0, ["image"]
        verdict.error = str(error)
        return verdict, _refused(str(error), run_id)
    parameters = row.get("generation_parameters") or {}
    try:
        result = score(image, kit, placement_of(row, placements), parameters.get("render"))
    except Exception as error:  # noqa: BLE001 - a scoring bug fails this asset only
        log.exception("scoring asset %s failed", row["id"])
        verdict.error = f"internal error: {type(error).__name__}: {error}"
        return verdict, None
    verdict.status, verdict.score = result.status, result.score
    verdict.violations, verdict.elapsed_ms = result.violations, result.elapsed_ms or 0.0
    details = result.as_dict()
    details.update(scored_at=datetime.now(UTC).isoformat(), run_id=run_id)
    return verdict, details


def _save(conn: Connection, row: Mapping, verdict: AssetVerdict, details: dict) -> bool:
    saved = conn.execute(
        sql("compliance/save_verdict"),
        {
            "id": row["id"],
            "file_path": row["file_path"],
            "compliance_score": verdict.score,
            "compliance_details": Jsonb(details),
            "validation_status": verdict.status,
        },
    ).first()
    return saved is not None


def score_assets(
    services: ComplianceServices,
    request_ids: Sequence[str] = (),
    *,
    max_assets: int = MAX_ASSETS,
    batch_size: int = BATCH_SIZE,
    run_id: str | None = None,
) -> list[AssetVerdict]:
    """Score the pending assets (or every asset of ``request_ids``); one transaction per batch."""
    engine, store = services.engine, services.store
    with engine.connect() as conn:
        rows = list(
            conn.execute(
                sql("compliance/assets_to_score"),
                {"request_ids": list(request_ids), "max_assets": max_assets},
            ).mappings()
        )
        placements = _placements(conn)
        kits = _kits(conn, {row["brand_profile_id"] for row in rows}, store.read)
    verdicts = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        scored = [
            (
                row,
                *score_row(row, kits.get(str(row["brand_profile_id"])), store, placements, run_id),
            )
            for row in batch
        ]
        with engine.begin() as conn:
            for row, verdict, details in scored:
                if details is not None:
                    verdict.saved = _save(conn, row, verdict, details)
                    if not verdict.saved:
                        verdict.error = (
                            "the image changed while it was scored; left for the next run"
                        )
        verdicts += [verdict for _, verdict, _ in scored]
    return verdicts
