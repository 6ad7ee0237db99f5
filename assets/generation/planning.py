"""From a content request to what is asked of the image provider (plain functions)."""

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from assets.generation.types import GenerationError, ImageSpec, PaletteColor
from assets.placements import Placement, primary_placement
from resources.freepik.sizes import size_name_for

# A brief is a paragraph or two; past this it is a pasted document, not a brief.
MAX_BRIEF_CHARS = 5_000
MAX_IMAGES_PER_PLATFORM = 4


class RequestInputError(GenerationError):
    """The request itself is unusable; it fails without any provider call."""


def check_request(request: Mapping) -> list[str]:
    """Raise for a request that cannot be generated; return warnings for one that can."""
    if not request["requester_is_active_member"]:
        raise RequestInputError(
            f"requested_by {request['requested_by']} is not an active member of the "
            "organization: nothing is generated for a requester who cannot be held to it"
        )
    brief = (request.get("content_brief") or "").strip()
    if not brief:
        raise RequestInputError("content_brief is empty: the generator needs a brief")
    if len(brief) > MAX_BRIEF_CHARS:
        raise RequestInputError(
            f"content_brief is {len(brief):,} characters; the limit is {MAX_BRIEF_CHARS:,}"
        )
    _check_style(request.get("style_preferences") or {})
    if not request.get("target_platforms"):
        raise RequestInputError("target_platforms is empty: name at least one platform")
    for platform in request["target_platforms"]:
        placement_of(platform)
    warnings = []
    due = request.get("due_date")
    if due is not None and due < datetime.now(UTC):
        warnings.append(f"due date {due:%Y-%m-%d %H:%M} UTC is in the past")
    return warnings


# style_preferences keys the pipeline reads, and the type each must have
STYLE_TEXT_KEYS = ("style", "mood", "cta", "call_to_action")
MAX_STYLE_TEXT_CHARS = 300


def _check_style(style: object) -> None:
    if not isinstance(style, Mapping):
        raise RequestInputError("style_preferences must be an object")
    for key in STYLE_TEXT_KEYS:
        value = style.get(key)
        if value is not None and not isinstance(value, str):
            raise RequestInputError(
                f"style_preferences.{key} must be text, got {type(value).__name__}"
            )
        if isinstance(value, str) and len(value) > MAX_STYLE_TEXT_CHARS:
            raise RequestInputError(
                f"style_preferences.{key} is {len(value):,} characters; "
                f"the limit is {MAX_STYLE_TEXT_CHARS}"
            )
    count = style.get("num_images", 1)
    if isinstance(count, bool) or not isinstance(count, int):
        raise RequestInputError(
            f"style_preferences.num_images must be a whole number, got {count!r:.40}"
        )


def placement_of(platform: str) -> Placement:
    try:
        return primary_placement(platform)
    except LookupError as error:
        raise RequestInputError(str(error)) from error


def image_count(request: Mapping) -> int:
    wanted = (request.get("style_preferences") or {}).get("num_images", 1)
    try:
        return max(1, min(MAX_IMAGES_PER_PLATFORM, int(wanted)))
    except (TypeError, ValueError):
        return 1


def seed_for(request_id: object, platform: str) -> int:
    """Stable per request and platform, so a re-run reproduces the same images."""
    digest = hashlib.sha256(f"{request_id}/{platform}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def prompt_for(request: Mapping, brand_voice: str | None) -> str:
    style = request.get("style_preferences") or {}
    parts = [
        f"Background image for a social media post: {request['title']}.",
        (request.get("content_brief") or "")[:600],
        f"Style: {style['style']}." if style.get("style") else "",
        f"Mood: {style['mood']}." if style.get("mood") else "",
        f"Brand voice: {brand_voice}." if brand_voice else "",
        "No text, no letters, no logos; leave calm space for a headline.",
    ]
    return " ".join(part for part in parts if part)


def image_spec(
    request: Mapping,
    platform: str,
    palette: Sequence[PaletteColor],
    brand_voice: str | None,
    model: str | None,
) -> ImageSpec:
    placement = placement_of(platform)
    style = request.get("style_preferences") or {}
    return ImageSpec(
        prompt=prompt_for(request, brand_voice),
        width=placement.width,
        height=placement.height,
        size_name=size_name_for(placement.width, placement.height),
        seed=seed_for(request["id"], platform),
        num_images=image_count(request),
        negative_prompt="text, watermark, logo, letters",
        palette=tuple(palette),
        style=style.get("style"),
        model=model,
    )


def variant_type(index: int) -> str:
    return "primary" if index == 0 else f"alternate_{index}"
