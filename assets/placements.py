"""Platform placements (DESIGN §6), read from platform_placements.toml."""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PLACEMENTS_FILE = Path(__file__).with_name("platform_placements.toml")


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

    @property
    def key(self) -> str:
        return f"{self.platform}.{self.placement}"


class UnknownPlacementError(LookupError):
    pass


@cache
def all_placements() -> tuple[Placement, ...]:
    raw = tomllib.loads(PLACEMENTS_FILE.read_text())["placement"]
    return tuple(Placement(**{**row, "formats": tuple(row["formats"])}) for row in raw)


def platforms() -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.platform for p in all_placements()))


def placements_for(platform: str) -> tuple[Placement, ...]:
    found = tuple(p for p in all_placements() if p.platform == platform)
    if not found:
        raise UnknownPlacementError(
            f"unknown platform {platform!r}; known platforms: {', '.join(platforms())}"
        )
    return found


def primary_placement(platform: str) -> Placement:
    """The placement a platform's master image is generated at."""
    return next(p for p in placements_for(platform) if p.primary)
