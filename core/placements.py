"""Platform placements (docs/PLACEMENTS.md), read from platform_placements.toml.

Each placement may have UI overlay areas: bands along its edges (``safe_area_px``:
stories, TikTok's interface) and boxes in its corners (``overlays_px``: YouTube's
duration badge). Text and logos are kept out of both.

The file is the default; ``with_overrides`` applies system_settings rows of
category "placements", keyed "<platform>.<placement>" (e.g. "tiktok.photo" →
``{"max_bytes": 4000000}``). A key the file lacks adds a placement when it
gives every field. Lookups by name raise ``UnknownPlacementError`` naming what
is known.
"""

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PLACEMENTS_FILE = Path(__file__).with_name("platform_placements.toml")
SETTINGS_CATEGORY = "placements"
FORMATS = ("jpeg", "png", "webp")
MAX_SIDE = 8192
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")


@dataclass(frozen=True)
class Overlay:
    """A box of the app's interface in one corner of the placement, in its pixels."""

    name: str
    corner: str
    width: int
    height: int

    def box(self, canvas: tuple[int, int], scale: tuple[float, float] = (1.0, 1.0)) -> tuple:
        """(x, y, width, height) on a ``canvas`` (width, height) whose pixels are ``scale``
        times the placement's: the box keeps its corner."""
        width = min(canvas[0], round(self.width * scale[0]))
        height = min(canvas[1], round(self.height * scale[1]))
        x = canvas[0] - width if self.corner.endswith("right") else 0
        y = canvas[1] - height if self.corner.startswith("bottom") else 0
        return x, y, width, height

    def describe(self) -> str:
        return f"{self.name} ({self.corner.replace('_', '-')} {self.width}×{self.height} px)"


class _OverlayModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    corner: str
    width: int = Field(gt=0, le=MAX_SIDE)
    height: int = Field(gt=0, le=MAX_SIDE)


def overlays_of(raw: Sequence[Mapping]) -> tuple[Overlay, ...]:
    """Overlay boxes from data (the file, a setting, a template's layout_config);
    ValueError names the first bad entry."""
    found = []
    for index, item in enumerate(raw):
        try:
            model = _OverlayModel.model_validate(item)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "value"
            raise ValueError(f"overlays_px[{index}].{where}: {error['msg']}") from None
        if model.corner not in CORNERS:
            raise ValueError(
                f"overlays_px[{index}].corner: {model.corner!r} is not one of {', '.join(CORNERS)}"
            )
        found.append(Overlay(**model.model_dump()))
    return tuple(found)


@dataclass(frozen=True)
class Placement:
    platform: str
    placement: str
    width: int
    height: int
    max_bytes: int
    formats: tuple[str, ...]
    primary: bool = False
    safe_area_px: dict[str, int] = field(default_factory=dict)
    overlays_px: tuple[Overlay, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.platform}.{self.placement}"


class UnknownPlacementError(LookupError):
    pass


class PlacementSettingError(ValueError):
    """A system_settings override that cannot be applied; the message names the key."""


class _Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int | None = Field(default=None, gt=0, le=MAX_SIDE)
    height: int | None = Field(default=None, gt=0, le=MAX_SIDE)
    max_bytes: int | None = Field(default=None, gt=0)
    formats: tuple[str, ...] | None = Field(default=None, min_length=1)
    primary: bool | None = None
    safe_area_px: dict[str, int] | None = None
    overlays_px: tuple[dict, ...] | None = None

    def fields(self) -> dict:
        return self.model_dump(exclude_none=True)


@cache
def all_placements() -> tuple[Placement, ...]:
    raw = tomllib.loads(PLACEMENTS_FILE.read_text())["placement"]
    return tuple(
        Placement(
            **{
                **row,
                "formats": tuple(row["formats"]),
                "overlays_px": overlays_of(row.get("overlays_px", ())),
            }
        )
        for row in raw
    )


def platforms(placements: Sequence[Placement] | None = None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.platform for p in placements or all_placements()))


def placements_for(
    platform: str, placements: Sequence[Placement] | None = None
) -> tuple[Placement, ...]:
    known = placements or all_placements()
    found = tuple(p for p in known if p.platform == platform)
    if not found:
        raise UnknownPlacementError(
            f"unknown platform {platform!r}; known platforms: {', '.join(platforms(known))}"
        )
    return found


def find_placement(
    platform: str, placement: str, placements: Sequence[Placement] | None = None
) -> Placement:
    """The placement named ``platform``.``placement``, or a clear UnknownPlacementError."""
    candidates = placements_for(platform, placements)
    for candidate in candidates:
        if candidate.placement == placement:
            return candidate
    names = ", ".join(p.placement for p in candidates)
    raise UnknownPlacementError(
        f"unknown placement {placement!r} for {platform}; its placements: {names}"
    )


def primary_placement(platform: str, placements: Sequence[Placement] | None = None) -> Placement:
    """The placement a platform's master image is generated at."""
    found = placements_for(platform, placements)
    return next((p for p in found if p.primary), found[0])


def with_overrides(
    overrides: Mapping[str, object], base: Sequence[Placement] | None = None
) -> tuple[Placement, ...]:
    """``base`` (default: the file) with system_settings overrides applied per key."""
    result = {p.key: p for p in base or all_placements()}
    for key, value in sorted(overrides.items()):
        platform, dot, name = key.partition(".")
        if not dot or not platform or not name:
            raise PlacementSettingError(
                f"placements setting {key!r}: the key must be '<platform>.<placement>'"
            )
        changes = _validated(key, value)
        if key in result:
            result[key] = replace(result[key], **changes)
            continue
        missing = [f for f in ("width", "height", "max_bytes", "formats") if f not in changes]
        if missing:
            raise PlacementSettingError(
                f"placements setting {key!r} names no known placement; a new placement needs "
                f"{', '.join(missing)} (known: {', '.join(sorted(result))})"
            )
        result[key] = Placement(platform=platform, placement=name, **changes)
    return tuple(result.values())


def _validated(key: str, value: object) -> dict:
    if not isinstance(value, Mapping):
        raise PlacementSettingError(
            f"placements setting {key!r} must be an object of fields, got {value!r:.80}"
        )
    try:
        changes = _Override.model_validate(value).fields()
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "value"
        raise PlacementSettingError(
            f"placements setting {key!r}: {where}: {error['msg']}"
        ) from None
    unknown = set(changes.get("formats", ())) - set(FORMATS)
    if unknown:
        raise PlacementSettingError(
            f"placements setting {key!r}: formats: unknown {sorted(unknown)}; "
            f"known: {', '.join(FORMATS)}"
        )
    sides = changes.get("safe_area_px", {})
    bad = {k: v for k, v in sides.items() if k not in ("top", "bottom", "left", "right") or v < 0}
    if bad:
        raise PlacementSettingError(
            f"placements setting {key!r}: safe_area_px: bad bands {bad} "
            "(sides top, bottom, left, right; pixels >= 0)"
        )
    if "overlays_px" in changes:
        try:
            changes["overlays_px"] = overlays_of(changes["overlays_px"])
        except ValueError as exc:
            raise PlacementSettingError(f"placements setting {key!r}: {exc}") from None
    return changes
