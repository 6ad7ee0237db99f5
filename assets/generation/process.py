"""Generate one content request's master images, end to end (no Dagster).

For each target platform: ask the provider for backgrounds, compose the brand
template over each, store them (lossless, in a format the platform takes), then
record the rows and the request's new status in one transaction. Any failure
fails this request only, with its reason, and removes the files this attempt wrote.
"""

import hashlib
import io
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

from PIL import Image
from sqlalchemy import Connection, Engine

from assets.approvals.versions import void_pending_approvals
from assets.brand_kits import BrandKitError, TemplateError, load_brand_kit, load_template
from assets.compliance.images import load_image
from assets.compliance.scorer import score
from assets.compliance.verdicts import placement_of
from assets.generation import planning
from assets.generation.claims import request_lock
from assets.generation.context import RequestContext, load_context
from assets.generation.currency import organization_currency
from assets.generation.file_facts import image_dimensions
from assets.generation.ledger import UsageLedger, budgets_for
from assets.generation.repair import Attempt, Repaired, budget_share, max_attempts, repair
from assets.rendering import NO_REPAIRS, RenderRepairs, render_template, request_texts
from core.generation import GeneratedImage, GenerationError, ImageProvider, ImageSpec
from core.placements import Placement, primary_placement
from resources.file_store import FileStore
from resources.sql_files import sql

# what a request's owner can act on; anything else is reported as an internal error
EXPECTED_FAILURES = (GenerationError, BrandKitError, TemplateError)
MAX_REASON_CHARS = 500
MAX_BACKGROUND_PIXELS = 40_000_000
RENDER_KEYS = (
    "canvas",
    "template",
    "safe_area",
    "overlays",
    "background_zone",
    "logo",
    "fonts_used",
)


@dataclass(frozen=True)
class StoredImage:
    key: str
    platform: str
    variant_type: str
    width: int
    height: int
    size: int
    image_format: str


@dataclass(frozen=True)
class RepairNote:
    """One image that had repair attempts, as the run's metadata lists it."""

    request_id: str
    platform: str
    variant_type: str
    before: float
    after: float
    status_before: str
    status_after: str
    attempts: int  # repair attempts, the first render not counted
    provider_calls: int
    stopped: str


@dataclass
class RequestOutcome:
    request_id: str
    status: str  # generated | failed | skipped
    reason: str | None = None
    images: list[StoredImage] = field(default_factory=list)
    cost: Decimal = Decimal(0)
    calls: int = 0
    warnings: list[str] = field(default_factory=list)
    repairs: list[RepairNote] = field(default_factory=list)


@dataclass(frozen=True)
class GenerationServices:
    engine: Engine
    store: FileStore
    # the organization's settings → the provider it uses
    provider_for: Callable[[Mapping], ImageProvider]


def process_request(
    services: GenerationServices,
    request_id: str,
    *,
    force: bool = False,
    run_id: str | None = None,
    run_started_at: datetime | None = None,
) -> RequestOutcome:
    """Generate one request; `force` regenerates one that is already past generation.

    The request's lock (claims.py) is held from the check that takes it until its rows
    are recorded: a second run skips it, saying so, and never pays for it twice.
    `run_id` names the run in the request's claim; `run_started_at` (a forced run's
    start) leaves alone a request another run regenerated since.
    """
    with request_lock(services.engine, request_id) as held:
        if not held:
            return RequestOutcome(request_id, "skipped", "another run is generating it right now")
        return _process_locked(services, request_id, force, run_id, run_started_at)


def _process_locked(
    services: GenerationServices,
    request_id: str,
    force: bool,
    run_id: str | None,
    run_started_at: datetime | None,
) -> RequestOutcome:
    engine, store = services.engine, services.store
    with engine.begin() as conn:
        taken = conn.execute(
            sql("generation/start_processing"),
            {
                "request_id": request_id,
                "force": force,
                "run_id": run_id,
                "run_started_at": run_started_at or datetime.now(UTC),
            },
        ).first()
        if taken is None:
            return RequestOutcome(request_id, "skipped", _why_skipped(conn, request_id, force))
        # new images need a new approval round: the old one saw other pictures
        void_pending_approvals(conn, request_id)
        existing = {
            row.file_path
            for row in conn.execute(
                sql("generation/existing_asset_files"), {"request_id": request_id}
            )
        }

    outcome = RequestOutcome(request_id, "generated")
    ledger = None
    try:
        with engine.connect() as conn:
            context = load_context(conn, request_id)
        ledger = UsageLedger(
            engine,
            organization_id=context.request["organization_id"],
            user_id=context.request["requested_by"],
            content_request_id=request_id,
            prices=context.prices,
            budgets=budgets_for(context.organization_settings, context.budgets),
            currency=organization_currency(context.organization_settings),
            rates=context.exchange_rates,
        )
        outcome.warnings = planning.check_request(context.request)
        rows = _generate(services, context, ledger, outcome)
        outcome.warnings += ledger.warnings
        with engine.begin() as conn:
            replaced = _save(conn, context, rows, outcome.warnings)
    except Exception as error:  # noqa: BLE001 - one bad request must not stop the batch
        _discard(store, [image.key for image in outcome.images], keep=existing)
        reason = _reason(error)
        with engine.begin() as conn:
            _finish(conn, request_id, "failed", reason)
        outcome.status, outcome.reason, outcome.images = "failed", reason, []
        outcome.repairs = []
    else:
        _discard(store, replaced, keep={image.key for image in outcome.images})
    finally:
        if ledger is not None:
            ledger.release()  # a budget lock no record ended (ledger.py)
    if ledger is not None:
        outcome.cost, outcome.calls = ledger.cost, ledger.calls
    return outcome


def _generate(
    services: GenerationServices,
    context: RequestContext,
    ledger: UsageLedger,
    outcome: RequestOutcome,
) -> list[dict]:
    request = context.request
    kit = load_brand_kit(context.brand_profile, context.brand_assets, services.store.read)
    provider = services.provider_for(context.organization_settings)
    texts = request_texts(request)
    limit, problem = max_attempts(context.organization_settings)
    share, share_problem = budget_share(context.organization_settings)
    outcome.warnings += [p for p in (problem, share_problem) if p]
    rows = []
    try:
        for platform in request["target_platforms"]:
            if platform not in context.templates:
                raise planning.RequestInputError(
                    f"no template for platform {platform!r} in brand "
                    f"{context.brand_profile['name']!r}: add one, or drop the platform"
                )
            template = load_template(context.templates[platform])
            spec = planning.image_spec(
                request,
                platform,
                context.palette,
                context.brand_profile.get("brand_voice_tone"),
                context.organization_settings.get("image_model") or provider.default_model,
            )
            images = provider.generate(
                spec,
                on_call=ledger.record,
                before_billable_call=ledger.guard(provider.name, spec.model),
            )
            if not images:
                raise GenerationError(f"{provider.name} returned no image for {platform}")
            for index, generated in enumerate(images):
                variant = planning.variant_type(index)
                own = replace(spec, seed=generated.seed or spec.seed + index, num_images=1)
                compose = partial(
                    _compose,
                    kit=kit,
                    template=template,
                    texts=texts,
                    platform=platform,
                    placements=context.placements,
                )
                data, extension, render = compose(generated, NO_REPAIRS)
                repaired = None
                if limit > 0:
                    repaired = _with_repairs(
                        Attempt(0, data, extension, render, None, generated, own, FIRST, True),
                        limit=limit,
                        compose=compose,
                        judge=partial(_judge, kit=kit, platform=platform, context=context),
                        new_background=partial(
                            _new_background,
                            provider=provider,
                            ledger=ledger,
                            context=context,
                            share=share,
                        ),
                        warnings=outcome.warnings,
                    )
                if repaired is not None:
                    kept = repaired.kept
                    data, extension, render = kept.data, kept.extension, kept.render
                    generated, own = kept.generated, kept.spec
                    if repaired.repaired:
                        outcome.repairs.append(_note(request, platform, variant, repaired))
                key = _asset_key(request, platform, variant, data, extension)
                services.store.put(key, data)
                # the file's own size: a story master is not the platform's primary size
                facts = image_dimensions(data)
                image = StoredImage(
                    key,
                    platform,
                    variant,
                    facts["width"],
                    facts["height"],
                    len(data),
                    facts["format"],
                )
                outcome.images.append(image)
                row = _row(context, services.store, image, own, generated, provider.name, render)
                if repaired is not None:
                    parameters = json.loads(row["generation_parameters"])
                    parameters["repair"] = repaired.record()
                    row["generation_parameters"] = json.dumps(parameters)
                rows.append(row)
    finally:
        # an HTTP provider holds a connection pool
        getattr(provider, "close", lambda: None)()
    return rows


FIRST = "first render"


def _with_repairs(
    unscored: Attempt, *, limit: int, compose, judge, new_background, warnings: list[str]
) -> Repaired | None:
    """The first render scored and repaired; None (the first render kept, with a warning)
    when scoring fails unexpectedly: a scoring bug must not cost the request its image."""
    try:
        first = replace(unscored, result=judge(unscored.data, unscored.render))
        return repair(
            first, limit=limit, compose=compose, judge=judge, new_background=new_background
        )
    except Exception as error:  # noqa: BLE001 - compliance scores it again, and reports
        warnings.append(f"repairs skipped: internal error: {type(error).__name__}: {error}")
        return None


def _judge(data: bytes, render: dict, *, kit, platform: str, context: RequestContext):
    """The verdict compliance will give this file (the same rules, kit and placement)."""
    placement = placement_of(
        {"generation_parameters": {"render": render}, "platform": platform}, context.placements
    )
    return score(load_image(data), kit, placement, render)


def _new_background(
    spec: ImageSpec,
    attempt: int,
    *,
    provider: ImageProvider,
    ledger: UsageLedger,
    context,
    share: Decimal,
) -> tuple[ImageSpec, GeneratedImage]:
    """A palette repair's provider call, priced and budget-checked like the first one, and
    held to the request's share of each budget for repairs."""
    asked = planning.repair_spec(spec, context.palette, attempt)
    images = provider.generate(
        asked,
        on_call=ledger.record_repair,
        before_billable_call=ledger.guard(provider.name, asked.model, repair_share=share),
    )
    if not images:
        raise GenerationError(f"{provider.name} returned no image")
    return asked, images[0]


def _note(request: Mapping, platform: str, variant: str, repaired: Repaired) -> RepairNote:
    first, kept = repaired.first, repaired.kept
    return RepairNote(
        str(request["id"]),
        platform,
        variant,
        first.result.score,
        kept.result.score,
        first.result.status,
        kept.result.status,
        len(repaired.attempts) - 1,
        repaired.calls,
        repaired.stopped,
    )


# How a master is encoded, best first: lossless while the platform takes a lossless
# format (a master is the source of every variant), in the first format its
# placement accepts. WebP lossless at effort 0 costs what PNG does (~60 ms at
# 1080x1920) and is smaller; TikTok takes no PNG.
MASTER_ENCODINGS: dict[str, tuple[str, str, dict]] = {
    "png": ("PNG", "png", {"optimize": False}),
    "webp": ("WEBP", "webp", {"lossless": True, "quality": 0, "method": 0}),
    "jpeg": ("JPEG", "jpg", {"quality": 95, "subsampling": 0}),
}


def master_encoding(
    placement_key: str | None, platform: str, placements: Sequence[Placement]
) -> tuple[str, str, dict]:
    """(Pillow format, file extension, save options) for a master made for a placement
    (the template's, else the platform's primary), as configured (overrides included)."""
    placement = next((p for p in placements if p.key == placement_key), None)
    if placement is None:
        try:
            placement = primary_placement(platform, placements)
        except LookupError:
            return MASTER_ENCODINGS["png"]
    accepted = placement.formats
    for name, encoding in MASTER_ENCODINGS.items():
        if name in accepted:
            return encoding
    return MASTER_ENCODINGS["png"]


def _compose(
    generated: GeneratedImage,
    repairs: RenderRepairs,
    *,
    kit,
    template,
    texts: Mapping[str, str],
    platform: str,
    placements: Sequence[Placement],
) -> tuple[bytes, str, dict]:
    try:
        with Image.open(io.BytesIO(generated.data)) as background:
            # a provider's image is untrusted input: check the header before decoding
            if background.width * background.height > MAX_BACKGROUND_PIXELS:
                raise GenerationError(
                    f"the provider's image is {background.width}x{background.height} pixels; "
                    f"the limit is {MAX_BACKGROUND_PIXELS:,}"
                )
            background.load()
            composed = render_template(background.convert("RGB"), kit, template, texts, repairs)
    except (OSError, Image.DecompressionBombError) as error:
        raise GenerationError(f"the provider's image could not be decoded: {error}") from error
    record = _render_record(composed.metadata)
    image_format, extension, options = master_encoding(
        record.get("placement"), platform, placements
    )
    buffer = io.BytesIO()
    composed.image.save(buffer, format=image_format, **options)
    return buffer.getvalue(), extension, record


def _render_record(metadata: Mapping) -> dict:
    """What compliance scores against (assets/compliance/render_info.py): zone and text
    boxes, fonts and sizes, colours, the logo box, the placement. The drawn lines and
    the warnings stay out: the text is the request's, the warnings are in the run log."""
    record = {key: metadata[key] for key in RENDER_KEYS if key in metadata}
    record["text_zones"] = {
        name: {key: value for key, value in zone.items() if key != "lines"}
        for name, zone in metadata.get("text_zones", {}).items()
    }
    template = metadata.get("template") or {}
    if template.get("placement"):
        record["placement"] = f"{template['platform']}.{template['placement']}"
    return record


def _asset_key(request: Mapping, platform: str, variant: str, data: bytes, extension: str) -> str:
    # ids and a content hash only: a re-run with the same result writes nothing new,
    # a different result never overwrites a file an existing row points at
    digest = hashlib.sha256(data).hexdigest()[:16]
    return f"{request['organization_id']}/{request['id']}/{platform}-{variant}-{digest}.{extension}"


def _row(
    context, store: FileStore, image: StoredImage, spec, generated, provider: str, render: dict
) -> dict:
    request = context.request
    from_freepik = provider == "freepik" and generated.provider_image_id is not None
    return {
        "id": None,
        "content_request_id": request["id"],
        "brand_profile_id": request["brand_profile_id"],
        "asset_name": f"{request['title'][:200]} — {image.platform} {image.variant_type}",
        "platform": image.platform,
        "variant_type": image.variant_type,
        "file_path": image.key,
        "file_url": store.url(image.key),
        "file_size_bytes": image.size,
        "dimensions": json.dumps(
            {"width": image.width, "height": image.height, "format": image.image_format}
        ),
        # the column holds Freepik's ids only; a local render has none
        "freepik_image_id": generated.provider_image_id if from_freepik else None,
        "freepik_image_kind": (generated.provider_image_kind or "task") if from_freepik else None,
        "generation_parameters": json.dumps(
            {
                "provider": provider,
                "model": spec.model,
                "seed": generated.seed or spec.seed,
                "prompt": spec.prompt,
                "negative_prompt": spec.negative_prompt,
                "size_name": spec.size_name,
                "style": spec.style,
                "palette": [color.hex for color in spec.palette],
                "template_id": str(context.templates[image.platform]["id"]),
                "render": render,
            }
        ),
    }


def _save(
    conn: Connection, context: RequestContext, rows: list[dict], warnings: list[str]
) -> list[str]:
    """Upsert the rows, drop candidates no longer produced; return files now unreferenced."""
    kept, replaced = [], []
    previous = {
        (row.platform, row.variant_type): row.file_path
        for row in conn.execute(
            sql("generation/existing_asset_files"), {"request_id": context.request["id"]}
        )
    }
    for row in rows:
        saved = conn.execute(
            sql("generation/upsert_generated_asset"), {**row, "id": uuid.uuid4()}
        ).one()
        kept.append(saved.id)
        old = previous.get((row["platform"], row["variant_type"]))
        if old and old != row["file_path"]:
            replaced.append(old)
    stale = conn.execute(
        sql("generation/delete_stale_assets"),
        {"request_id": context.request["id"], "kept_ids": kept},
    )
    replaced += [row.file_path for row in stale if row.file_path]
    _finish(conn, context.request["id"], "generated", "; ".join(warnings) or None)
    return replaced


def _reason(error: Exception) -> str:
    if isinstance(error, EXPECTED_FAILURES):
        return str(error)[:MAX_REASON_CHARS]
    # a bug: name it, but keep database dumps and stack detail in the run's log
    first_line = (str(error).splitlines() or [""])[0]
    return f"internal error: {type(error).__name__}: {first_line}"[:MAX_REASON_CHARS]


def _why_skipped(conn: Connection, request_id: str, force: bool) -> str:
    status = conn.exec_driver_sql(
        "select status from content_requests where id = %(id)s", {"id": request_id}
    ).scalar()
    if status is None:
        return "no such request"
    if force and status not in ("draft", "cancelled"):
        return "another run regenerated it after this run began"
    hint = "" if force or status in ("draft", "cancelled") else " (re-run with force to regenerate)"
    return f"status is {status}{hint}"


def _finish(conn: Connection, request_id: str, status: str, reason: str | None) -> None:
    conn.execute(
        sql("generation/finish_request"),
        {"request_id": request_id, "status": status, "status_reason": reason},
    )


def _discard(store: FileStore, keys, keep) -> None:
    for key in keys:
        if key and key not in keep:
            store.delete(key)
