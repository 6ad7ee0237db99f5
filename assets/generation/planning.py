"""From a content request to what is asked of the image provider (plain functions)."""

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from core.generation import GenerationError, ImageSpec, PaletteColor
from core.placements import Placement, primary_placement
from resources.freepik.sizes import size_name_for

# A brief is a paragraph or two; past this it is a pasted document, not a brief.
MAX_BRIEF_CHARS = 5_000
MAX_IMAGES_PER_PLATFORM = 4
# style_preferences.colors: colours a requester asks for beside the brand's
MAX_REQUEST_COLORS = 3
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


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
    colors = style.get("colors", [])
    if not isinstance(colors, list) or len(colors) > MAX_REQUEST_COLORS:
        raise RequestInputError(
            f"style_preferences.colors must be a list of at most {MAX_REQUEST_COLORS} "
            f"colours, got {colors!r:.60}"
        )
    for color in colors:
        if not isinstance(color, str) or not _HEX.match(color):
            raise RequestInputError(
                f"style_preferences.colors: {color!r:.40} is not a #RRGGBB colour"
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


def request_palette(
    request: Mapping, brand_palette: Sequence[PaletteColor]
) -> tuple[PaletteColor, ...]:
    """The brand's palette plus the colours the request asks for: each of those weighs
    as much as the whole brand palette (they were asked for, so they lead)."""
    asked = (request.get("style_preferences") or {}).get("colors") or []
    heaviest = sum(color.weight for color in brand_palette) or 1.0
    known = {color.hex.upper() for color in brand_palette}
    extra = tuple(
        PaletteColor(color.upper(), heaviest)
        for color in dict.fromkeys(asked)
        if color.upper() not in known
    )
    return (*extra, *brand_palette)


def repair_seed(seed: int, attempt: int) -> int:
    """A seed of its own for each repair attempt, far from the candidates' seed + i."""
    digest = hashlib.sha256(f"{seed}/repair/{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


PALETTE_PROMPT = " Colours: mostly"


def palette_prompt(prompt: str, brand_palette: Sequence[PaletteColor]) -> str:
    if PALETTE_PROMPT in prompt:  # a repair of a repair: said once is enough
        return prompt
    heaviest = sorted(brand_palette, key=lambda color: -color.weight)[:3]
    hexes = ", ".join(color.hex.upper() for color in heaviest)
    return f"{prompt}{PALETTE_PROMPT} {hexes}, only the brand palette, no other hues."


def repair_spec(spec: ImageSpec, brand_palette: Sequence[PaletteColor], attempt: int) -> ImageSpec:
    """One new background for a palette repair: a new seed, the brand's colours only
    (none a request added), and a prompt that names the heaviest of them."""
    return replace(
        spec,
        seed=repair_seed(spec.seed, attempt),
        num_images=1,
        palette=tuple(brand_palette),
        prompt=palette_prompt(spec.prompt, brand_palette),
    )


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
        palette=request_palette(request, palette),
        style=style.get("style"),
        model=model,
    )


def variant_type(index: int) -> str:
    return "primary" if index == 0 else f"alternate_{index}"
