"""How numbers read on a page: sizes, scores, rule values."""

from collections.abc import Mapping
from datetime import UTC, datetime


def file_size(size: int | None) -> str:
    if size is None:
        return "–"
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def pixels(width: int | None, height: int | None) -> str:
    return f"{width}×{height}" if width and height else "–"


def score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def ssim(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def when(value: datetime | None) -> str:
    # in UTC whatever the database session's time zone, like the "built" line
    return "–" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def share(part: int, whole: int) -> str:
    return "–" if not whole else f"{100 * part / whole:.0f}%"


def rule_value(value: object) -> str:
    """A rule's value or threshold: numbers rounded, booleans as yes/no, sizes as W×H."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        if set(value) == {"width", "height"}:
            return pixels(value["width"], value["height"])
        return ", ".join(f"{key} {rule_value(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(rule_value(item) for item in value)
    return str(value)
