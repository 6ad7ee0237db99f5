"""Request bodies for each Freepik model and readers for their responses (no I/O).

The shapes follow docs/PROVIDERS.md ("Requests") and Freepik's API reference; anything a response
lacks that the contract promises is a FreepikMalformedResponseError, because
guessing would hand the pipeline an empty or wrong image.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from core.generation import ImageSpec, PaletteColor
from resources.freepik.errors import FreepikBadRequestError, FreepikMalformedResponseError
from resources.freepik.sizes import size_name_for_model

CLASSIC_MODEL = "classic-fast"
MIN_PROMPT_CHARS = 3
MAX_IMAGES_PER_CALL = 4
MAX_PALETTE_COLORS = 5  # the API rejects a longer styling.colors list
PROMPT_RECORD_CHARS = 500  # api_usage keeps the gist of a prompt, not pages of it
_CLASSIC_SEED_RANGE = 1_000_001  # classic-fast accepts seeds 0..1_000_000
_FLUX_SEED_MAX = 4_294_967_295  # flux-dev accepts seeds 1..2**32-1
_HEX = re.compile(r"^#[0-9A-F]{6}$")
_SECRET_KEY = re.compile(r"key|token|secret|password|authorization", re.IGNORECASE)
# PNG and JPEG signatures (WebP is checked apart: RIFF....WEBP)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True)
class TaskState:
    task_id: str
    status: str
    generated: tuple[str, ...]
    has_nsfw: bool


def validate_spec(spec: ImageSpec) -> None:
    """Refuse what the API would refuse, before any call is made or budget is spent."""
    if len(spec.prompt.strip()) < MIN_PROMPT_CHARS:
        raise FreepikBadRequestError(
            f"prompt must have at least {MIN_PROMPT_CHARS} characters, got {spec.prompt!r}"
        )
    negative = (spec.negative_prompt or "").strip()
    if negative and len(negative) < MIN_PROMPT_CHARS:
        raise FreepikBadRequestError(
            f"negative_prompt must have at least {MIN_PROMPT_CHARS} characters "
            f"when given, got {spec.negative_prompt!r}"
        )
    if not 1 <= spec.num_images <= MAX_IMAGES_PER_CALL:
        raise FreepikBadRequestError(
            f"num_images must be between 1 and {MAX_IMAGES_PER_CALL}, got {spec.num_images}"
        )


def classic_seed(seed: int) -> int:
    """The spec's seed folded into classic-fast's range (in-range seeds are unchanged)."""
    return seed if 0 <= seed < _CLASSIC_SEED_RANGE else seed % _CLASSIC_SEED_RANGE


def flux_seed(seed: int) -> int:
    """The spec's seed folded into flux-dev's range (in-range seeds are unchanged)."""
    return seed if 1 <= seed <= _FLUX_SEED_MAX else seed % _FLUX_SEED_MAX + 1


def palette_colors(palette: tuple[PaletteColor, ...]) -> list[dict[str, Any]]:
    """styling.colors: the heaviest five brand colors, upper-case hex, weight in [0.05, 1]."""
    heaviest = sorted(palette, key=lambda c: c.weight, reverse=True)[:MAX_PALETTE_COLORS]
    colors = []
    for color in heaviest:
        hex_code = color.hex.upper()
        if not _HEX.match(hex_code):
            raise FreepikBadRequestError(f"palette color {color.hex!r} is not #RRGGBB")
        colors.append({"color": hex_code, "weight": round(min(max(color.weight, 0.05), 1.0), 3)})
    return colors


def text_to_image_body(spec: ImageSpec) -> dict[str, Any]:
    """POST /v1/ai/text-to-image (classic-fast, synchronous)."""
    body: dict[str, Any] = {
        "prompt": spec.prompt,
        "seed": classic_seed(spec.seed),
        "num_images": spec.num_images,
        "image": {"size": size_name_for_model(spec.size_name, CLASSIC_MODEL)},
        "filter_nsfw": True,
    }
    if (spec.negative_prompt or "").strip():
        body["negative_prompt"] = spec.negative_prompt
    if spec.guidance_scale is not None:
        body["guidance_scale"] = spec.guidance_scale
    styling: dict[str, Any] = {}
    if spec.style:
        styling["style"] = spec.style
    if spec.palette:
        styling["colors"] = palette_colors(spec.palette)
    if styling:
        body["styling"] = styling
    return body


def task_body(model: str, spec: ImageSpec) -> dict[str, Any]:
    """POST for an asynchronous model; each takes a slightly different body."""
    body: dict[str, Any] = {
        "prompt": spec.prompt,
        "aspect_ratio": size_name_for_model(spec.size_name, model),
    }
    if model == "mystic":
        # Mystic has no seed; the NSFW filter is on by default and we say so explicitly
        body["filter_nsfw"] = True
    else:
        body["seed"] = flux_seed(spec.seed)
    if spec.palette:
        body["styling"] = {"colors": palette_colors(spec.palette)}
    return body


def recorded_parameters(body: dict[str, Any]) -> dict[str, Any]:
    """The body as api_usage stores it: secret-looking keys dropped, prompts shortened."""
    kept: dict[str, Any] = {}
    for key, value in body.items():
        if _SECRET_KEY.search(key) or key == "webhook_url":  # webhook URLs carry tokens
            continue
        if isinstance(value, dict):
            value = recorded_parameters(value)
        elif isinstance(value, str) and key in ("prompt", "negative_prompt"):
            value = value[:PROMPT_RECORD_CHARS]
        kept[key] = value
    return kept


def api_error_message(payload: Any) -> str | None:
    """The API's "message" (plus any invalid_params reasons) from an error body."""
    if not isinstance(payload, dict):
        return None
    problem = payload.get("problem") if isinstance(payload.get("problem"), dict) else payload
    message = problem.get("message")
    reasons = [
        f"{p.get('name')}: {p.get('reason')}"
        for p in problem.get("invalid_params") or []
        if isinstance(p, dict)
    ]
    parts = [str(message)] if message else []
    parts += reasons
    return "; ".join(parts) or None


def sync_images(payload: Any) -> list[tuple[bytes, bool]]:
    """(image bytes, has_nsfw) for each data[] entry of a text-to-image response."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list) or not data:
        raise FreepikMalformedResponseError("text-to-image response has no data[] images")
    images = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("base64"), str):
            raise FreepikMalformedResponseError("text-to-image data[] entry has no base64")
        images.append((decode_image(entry["base64"]), bool(entry.get("has_nsfw", False))))
    return images


def response_seed(payload: dict[str, Any], sent: int) -> int:
    """meta.seed when the API reports it (it is the truth), else the seed we sent."""
    seed = (payload.get("meta") or {}).get("seed")
    return seed if isinstance(seed, int) else sent


def decode_image(text: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FreepikMalformedResponseError("image base64 does not decode") from exc
    require_image_bytes(data, "base64 image")
    return data


def require_image_bytes(data: bytes, what: str) -> None:
    is_webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if not (data.startswith(_IMAGE_MAGIC) or is_webp):
        raise FreepikMalformedResponseError(f"{what} is not a PNG, JPEG or WebP image")


def task_state(payload: Any) -> TaskState:
    """The task id, status, result URLs and NSFW flag from a task POST or poll response."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise FreepikMalformedResponseError("task response has no data object")
    task_id, status = data.get("task_id"), data.get("status")
    if not isinstance(task_id, str) or not task_id or not isinstance(status, str):
        raise FreepikMalformedResponseError("task response lacks task_id or status")
    generated = data.get("generated") or []
    if not isinstance(generated, list) or not all(isinstance(u, str) for u in generated):
        raise FreepikMalformedResponseError("task response 'generated' is not a list of URLs")
    # has_nsfw is a list (one flag per result) on task endpoints; accept a bare bool too
    flags = data.get("has_nsfw") or []
    has_nsfw = any(flags) if isinstance(flags, list) else bool(flags)
    return TaskState(task_id, status.upper(), tuple(generated), has_nsfw)
