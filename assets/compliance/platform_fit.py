"""Platform fit: the image's dimensions, aspect ratio, file size and format (docs/PLACEMENTS.md)."""

from assets.compliance.images import NormalisedImage
from assets.compliance.results import Measurement, RuleResult, not_measured
from assets.compliance.settings import RuleSettings
from core.placements import Placement

RULE = "platform_fit"
# Pillow's format names for what the placements file calls them
FORMAT_NAMES = {"jpg": "jpeg", "mpo": "jpeg"}


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 104_858 else f"{size / 1024:.0f} kB"


def platform_rule(
    image: NormalisedImage, placement: Placement | None, settings: RuleSettings
) -> RuleResult:
    weight = settings.weight(RULE)
    if placement is None:
        return not_measured(RULE, weight, "no placement given or recognised from the size")
    width, height = image.width, image.height
    wanted = f"{placement.width}×{placement.height}"
    checks = [
        Measurement(
            "dimensions",
            f"{width}×{height}",
            wanted,
            (width, height) == (placement.width, placement.height),
            f"{width}×{height} px, {placement.key} needs {wanted}",
        )
    ]
    aspect, target = width / height, placement.width / placement.height
    off = abs(aspect - target) / target
    checks.append(
        Measurement(
            "aspect_ratio",
            round(aspect, 4),
            round(target, 4),
            off <= settings.aspect_tolerance,
            f"aspect {aspect:.3f}, {placement.key} needs {target:.3f}"
            f" (±{settings.aspect_tolerance:.0%})",
        )
    )
    if image.byte_size is not None:
        checks.append(
            Measurement(
                "file_size",
                image.byte_size,
                placement.max_bytes,
                image.byte_size <= placement.max_bytes,
                f"{_megabytes(image.byte_size)}, at most {_megabytes(placement.max_bytes)}",
            )
        )
    if image.format is not None:
        name = FORMAT_NAMES.get(image.format, image.format)
        checks.append(
            Measurement(
                "format",
                name,
                "|".join(placement.formats),
                name in placement.formats,
                f"{name.upper()}, {placement.key} takes {', '.join(placement.formats)}",
            )
        )
    failed = [check for check in checks if not check.passed]
    passed_share = (len(checks) - len(failed)) / len(checks)
    return RuleResult(
        rule=RULE,
        value=round(passed_share, 3),
        threshold=1.0,
        weight=weight,
        passed=not failed,
        message="; ".join(c.message for c in failed)
        if failed
        else f"fits {placement.key}: {wanted}"
        + (f", {image.format.upper()}" if image.format else ""),
        progress=passed_share,
        checks=tuple(checks),
        details={"placement": placement.key},
    )
