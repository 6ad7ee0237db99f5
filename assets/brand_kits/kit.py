"""BrandKit: a brand_profiles row and its brand_assets, validated before use.

``load_brand_kit`` raises BrandKitError naming the brand, the field and the
reason at the first problem; a font that cannot be found is only a warning
(see fonts.py). The kit's palette is the profile's color_palette, plus the
primary/secondary/accent colours when the palette does not already hold them.
"""

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, computed_field

from assets.brand_kits.colors import LAB_SPACE, BrandColor, ColorParseError, parse_color
from assets.brand_kits.errors import BrandKitError, first_problem
from assets.brand_kits.fonts import ResolvedFont, resolve_font
from assets.brand_kits.logo import MIN_LOGO_SIDE, LogoError, decode_logo
from assets.brand_kits.sources import read_logo
from core.generation import PaletteColor

log = logging.getLogger(__name__)

MAX_PALETTE = 64
# how much of a generated background each role should cover, when the palette gives no weight
ROLE_WEIGHTS = {"primary": 3.0, "secondary": 2.0, "neutral": 2.0, "accent": 1.0, "text": 0.5}
KEY_COLORS = {"primary_color": 0, "secondary_color": 1, "accent_color": 2}


class LogoInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: Literal["brand_asset", "url"]
    reference: str  # the brand_assets file_path (store key) or the URL
    asset_id: str | None = None
    width: int
    height: int
    format: str | None
    size_bytes: int
    data: bytes = Field(repr=False)  # the original file, already checked by decode_logo
    _image: Image.Image | None = PrivateAttr(default=None)

    def image(self) -> Image.Image:
        """The decoded RGBA logo (a fresh copy each call)."""
        if self._image is None:
            self._image = decode_logo(self.data)[0]
        return self._image.copy()


class BrandKit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str | None = None
    organization_id: str | None = None
    name: str
    primary_color: BrandColor
    secondary_color: BrandColor
    accent_color: BrandColor
    palette: tuple[BrandColor, ...] = Field(min_length=1)
    # palette[i].lab, once more as one tuple: np.asarray(kit.palette_lab) is an (n, 3) array
    palette_lab: tuple[tuple[float, float, float], ...]
    lab_space: str = LAB_SPACE
    primary_font: ResolvedFont
    secondary_font: ResolvedFont
    logo: LogoInfo | None
    enforcement_level: Literal["strict", "moderate", "lenient"] = "moderate"
    # a percentage, as brand_profiles' check constraint has it; NaN and ±inf are no score
    minimum_compliance_score: float = Field(default=70.0, ge=0, le=100, allow_inf_nan=False)
    brand_voice_tone: str | None = None
    warnings: tuple[str, ...] = ()

    @computed_field
    @property
    def font_fallback(self) -> bool:
        return self.primary_font.fallback or self.secondary_font.fallback

    @property
    def palette_lab_array(self) -> np.ndarray:
        return np.asarray(self.palette_lab, dtype=np.float64).reshape(-1, 3)

    def font(self, role: str) -> ResolvedFont:
        """The font of a template zone's font_role ("primary" or "secondary")."""
        return self.secondary_font if role == "secondary" else self.primary_font

    def color_for_role(self, role: str) -> BrandColor | None:
        return next((color for color in self.palette if color.role == role), None)

    def image_palette(self) -> tuple[PaletteColor, ...]:
        """The palette as an ImageSpec wants it (weights: given, or by role)."""
        return tuple(PaletteColor(hex=color.hex, weight=color.weight) for color in self.palette)


def _json(value: object, brand: str, field: str) -> object:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise BrandKitError(brand, field, f"is not valid JSON ({exc})") from None
    return value


def _palette(profile: Mapping, brand: str) -> list[BrandColor]:
    raw = _json(profile.get("color_palette"), brand, "color_palette")
    if raw is None or raw == []:
        raise BrandKitError(brand, "color_palette", "brand without a palette (needs ≥ 1 colour)")
    if not isinstance(raw, list):
        raise BrandKitError(brand, "color_palette", f"must be a list of colours, got {raw!r:.80}")
    if len(raw) > MAX_PALETTE:
        raise BrandKitError(brand, "color_palette", f"{len(raw)} colours, at most {MAX_PALETTE}")
    palette = []
    for index, entry in enumerate(raw):
        field = f"color_palette[{index}]"
        if not isinstance(entry, Mapping):
            raise BrandKitError(brand, field, f"must be an object with a 'hex', got {entry!r:.80}")
        role = entry.get("role") if isinstance(entry.get("role"), str) else None
        name = entry.get("name") if isinstance(entry.get("name"), str) else None
        weight = entry.get("weight", ROLE_WEIGHTS.get(role or "", 1.0))
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not (math.isfinite(weight) and weight > 0)
        ):
            raise BrandKitError(brand, f"{field}.weight", f"{weight!r} is not a positive number")
        if entry.get("hex") is None:
            raise BrandKitError(brand, f"{field}.hex", "missing")
        try:
            palette.append(parse_color(entry["hex"], name=name, role=role, weight=float(weight)))
        except ColorParseError as exc:
            raise BrandKitError(brand, f"{field}.hex", str(exc)) from None
    return palette


def _key_color(profile: Mapping, field: str, palette: list[BrandColor], brand: str, notes: list):
    role = field.removesuffix("_color")
    value = profile.get(field)
    if value is None or value == "":
        color = next((c for c in palette if c.role == role), None)
        color = color or palette[KEY_COLORS[field] % len(palette)]
        notes.append(f"{field} not set: using palette colour {color.hex}")
        return color
    try:
        return parse_color(value, role=role, weight=ROLE_WEIGHTS[role])
    except ColorParseError as exc:
        raise BrandKitError(brand, field, str(exc)) from None


def load_brand_kit(
    profile: Mapping,
    brand_assets: Sequence[Mapping],
    read_file: Callable[[str], bytes],
    *,
    fetch_url: Callable[[str], bytes] | None = None,
    font_dirs: Sequence[Path] | None = None,
    require_logo: bool = True,
) -> BrandKit:
    """Validate a brand_profiles row (dict-like) and its brand_assets rows into a BrandKit.

    The logo is the brand_assets row with asset_type 'logo' (its file_path read
    with ``read_file``), else ``logo_primary_url`` fetched with ``fetch_url``
    after the URL passed the safety checks (logo.py). Raises BrandKitError.
    """
    brand = str(profile.get("name") or profile.get("id") or "<unnamed>")
    notes: list[str] = []
    palette = _palette(profile, brand)
    keys = {field: _key_color(profile, field, palette, brand, notes) for field in KEY_COLORS}
    known = {color.hex for color in palette}
    for color in keys.values():
        if color.hex not in known:
            palette.append(color)
            known.add(color.hex)

    fonts = {}
    for field in ("primary_font", "secondary_font"):
        value = profile.get(field)
        if value is not None and not isinstance(value, str):
            raise BrandKitError(brand, field, f"{value!r:.80} is not a font name")
        fonts[field] = resolve_font(value, font_dirs)
        if fonts[field].fallback:
            notes.append(f"{field}: {fonts[field].fallback_reason}; using {fonts[field].path}")

    logo = None
    try:
        found = read_logo(profile, brand_assets, read_file, fetch_url)
    except LogoError as exc:
        raise BrandKitError(brand, getattr(exc, "field", "logo"), str(exc)) from None
    if found is None:
        if require_logo:
            raise BrandKitError(brand, "logo", "no logo asset and no logo_primary_url")
        notes.append("logo: the brand has no logo")
    else:
        try:
            image, image_format = decode_logo(found.data)
        except LogoError as exc:
            raise BrandKitError(brand, "logo", f"{found.reference}: {exc}") from None
        if min(image.size) < MIN_LOGO_SIDE:
            notes.append(f"logo: only {image.width}×{image.height} px, it will look soft")
        logo = LogoInfo(
            source=found.source,
            reference=found.reference,
            asset_id=found.asset_id,
            width=image.width,
            height=image.height,
            format=image_format,
            size_bytes=len(found.data),
            data=found.data,
        )
        logo._image = image

    for note in notes:
        log.warning("brand %r: %s", brand, note)
    score = profile.get("minimum_compliance_score")
    try:
        return _kit(profile, brand, keys, palette, fonts, logo, score, notes)
    except ValidationError as exc:
        raise BrandKitError(brand, *first_problem(exc, "")) from None


def _kit(profile, brand, keys, palette, fonts, logo, score, notes) -> BrandKit:
    return BrandKit(
        id=str(profile["id"]) if profile.get("id") is not None else None,
        organization_id=(
            str(profile["organization_id"]) if profile.get("organization_id") is not None else None
        ),
        name=brand,
        primary_color=keys["primary_color"],
        secondary_color=keys["secondary_color"],
        accent_color=keys["accent_color"],
        palette=tuple(palette),
        palette_lab=tuple(color.lab for color in palette),
        primary_font=fonts["primary_font"],
        secondary_font=fonts["secondary_font"],
        logo=logo,
        enforcement_level=profile.get("enforcement_level") or "moderate",
        minimum_compliance_score=score if score is not None else 70.0,
        brand_voice_tone=profile.get("brand_voice_tone"),
        warnings=tuple(notes),
    )
