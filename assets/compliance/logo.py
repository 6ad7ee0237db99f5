"""Logo rule: found in the pixels, big enough, with clear space, inside its zone.

The render metadata only says where the logo *should* be. The search looks there
first (the zone plus a margin, at sizes from 120 % down to about 20 % of its fit),
and over the whole image when that finds nothing, so a moved logo is reported as
outside its zone rather than missing.
"""

import math

import numpy as np
from PIL import Image

from assets.brand_kits import BrandKit
from assets.brand_kits.geometry import Box
from assets.compliance.boxes import gap, grow, overlap
from assets.compliance.logo_matching import Match, Pyramid, logo_templates, search
from assets.compliance.render_info import RenderInfo
from assets.compliance.results import Measurement, RuleResult, not_measured
from assets.compliance.settings import RuleSettings

RULE = "logo"
# candidate sizes in the zone, as shares of the zone's fit: the fit itself first, then
# bigger and smaller in steps of ~10 % (a detailed mark matches poorly 15 % off its size)
ZONE_SCALES = (1.0, 1.1, 1.2, *(round(0.9**i, 3) for i in range(1, 17)))  # … 0.185
ZONE_GOOD_ENOUGH = 0.8
# the whole-image search: the logo's longer side as a share of the canvas's shorter side
GLOBAL_SIDES = tuple(0.45 * 0.85**i for i in range(16))  # 45 % … 3.9 %
GLOBAL_WORKING_SIDE = 16  # 16-32 px: whole pyramid levels
GLOBAL_CANDIDATES = 3
EDGE_LEVEL = 48  # a luminance step (0..255) between neighbours that reads as an edge
BUSY_SHARE = 0.05  # clear space with more strong edges than this is not clear


def _scaled(size: tuple[int, int], factor: float) -> tuple[int, int]:
    return max(1, round(size[0] * factor)), max(1, round(size[1] * factor))


def find_logo(image: Image.Image, kit: BrandKit, info: RenderInfo | None) -> Match | None:
    """The best match of the brand's logo: in its zone if it is there, else anywhere."""
    templates = logo_templates(kit.logo.data)
    pyramid = Pyramid(image)
    best = None
    zone = info.logo_zone if info is not None else None
    if zone is not None:
        expected = templates.fit(zone)
        sizes = [_scaled(expected, factor) for factor in ZONE_SCALES]
        region = grow(zone, math.ceil(max(expected) * 0.5))
        best = search(pyramid, templates, sizes, region, good_enough=ZONE_GOOD_ENOUGH)
        if best is not None and best.score >= ZONE_GOOD_ENOUGH:
            return best  # unmistakable: no need to look elsewhere
    longer = max(kit.logo.width, kit.logo.height)
    logo_size = (kit.logo.width / longer, kit.logo.height / longer)
    short = min(image.width, image.height)
    sizes = [_scaled(logo_size, fraction * short) for fraction in GLOBAL_SIDES]
    anywhere = search(
        pyramid,
        templates,
        sizes,
        pyramid.canvas,
        GLOBAL_WORKING_SIDE,
        candidates=GLOBAL_CANDIDATES,
    )
    if anywhere is not None and (best is None or anywhere.score > best.score):
        return anywhere
    return best


def _busy_share(image: Image.Image, logo: Box, space: Box) -> float:
    """Share of the clear-space ring's pixels on a sharp edge (text, lines, other marks)."""
    region = Box(
        x=max(0, space.x),
        y=max(0, space.y),
        width=min(image.width, space.right) - max(0, space.x),
        height=min(image.height, space.bottom) - max(0, space.y),
    )
    if region.width < 3 or region.height < 3:
        return 0.0
    luma = np.asarray(image.crop(region.corners).convert("L"), dtype=np.int16)
    edges = np.zeros(luma.shape, dtype=bool)
    edges[:, 1:] |= np.abs(np.diff(luma, axis=1)) > EDGE_LEVEL
    edges[1:, :] |= np.abs(np.diff(luma, axis=0)) > EDGE_LEVEL
    ring = np.ones(luma.shape, dtype=bool)
    # the logo itself, and a few pixels around it for its anti-aliased edge
    inner = grow(logo, 3)
    top, left = max(0, inner.y - region.y), max(0, inner.x - region.x)
    ring[top : max(top, inner.bottom - region.y), left : max(left, inner.right - region.x)] = False
    return float(edges[ring].mean()) if ring.any() else 0.0


def _clear_space(
    image: Image.Image, box: Box, info: RenderInfo | None, settings: RuleSettings
) -> Measurement:
    """The free margin around the logo: to the canvas edge and to any drawn text."""
    needed = math.ceil(settings.logo_clear_space * min(box.width, box.height))
    obstacles = [
        ("the canvas edge", min(box.x, box.y, image.width - box.right, image.height - box.bottom))
    ]
    if info is not None:
        for text in info.texts:
            for element in (text.text_box, text.pill):
                if element is not None:
                    obstacles.append((f"the {text.name} text", gap(box, element)))
    nearest, clearance = min(obstacles, key=lambda item: item[1])
    busy = _busy_share(image, box, grow(box, needed))
    problems = []
    if clearance < needed:
        problems.append(f"only {max(clearance, 0)} px to {nearest}, needs {needed} px")
    if busy > BUSY_SHARE:
        problems.append(f"{busy:.0%} of the {needed} px around it is sharp edges")
    return Measurement(
        "clear_space",
        max(clearance, 0),
        needed,
        not problems,
        "; ".join(problems) or f"{max(clearance, 0)} px clear around the logo (needs {needed})",
    )


def logo_rule(
    image: Image.Image, kit: BrandKit, info: RenderInfo | None, settings: RuleSettings
) -> tuple[RuleResult, Match | None]:
    """The rule's result, and the logo's box when it was found (for the safe-zone rule)."""
    weight = settings.weight(RULE)
    if kit.logo is None:
        return not_measured(RULE, weight, "the brand has no logo"), None
    found = find_logo(image, kit, info)
    score = found.score if found is not None else 0.0
    present = found is not None and score >= settings.logo_min_match
    where = f" at {found.box.describe()}" if found is not None else ""
    checks = [
        Measurement(
            "present",
            round(score, 3),
            settings.logo_min_match,
            present,
            f"logo found{where} (match {score:.2f})"
            if present
            else f"logo not found (best match {score:.2f}{where})",
        )
    ]
    if present:
        box = found.box
        side = min(box.width, box.height) / min(image.width, image.height)
        checks.append(
            Measurement(
                "size",
                round(side, 4),
                settings.logo_min_size,
                side >= settings.logo_min_size,
                f"logo {box.width}×{box.height} px, {side:.1%} of the canvas's shorter side "
                f"(needs {settings.logo_min_size:.0%})",
            )
        )
        checks.append(_clear_space(image, box, info, settings))
        zone = info.logo_zone if info is not None else None
        if zone is not None:
            inside = overlap(box, zone) / (box.width * box.height)
            checks.append(
                Measurement(
                    "in_zone",
                    round(inside, 3),
                    settings.logo_in_zone,
                    inside >= settings.logo_in_zone,
                    f"{inside:.0%} of the logo inside its zone {zone.describe()}",
                )
            )
    failed = [check for check in checks if check.passed is False]
    passed = not failed
    message = "; ".join(check.message for check in (failed or checks[:1]))
    return (
        RuleResult(
            rule=RULE,
            value=round(score, 3),
            threshold=settings.logo_min_match,
            weight=weight,
            passed=passed,
            message=message,
            progress=(len(checks) - len(failed)) / 4 if present else 0.0,
            checks=tuple(checks),
            details={"box": found.box.as_dict()} if present else {},
        ),
        found if present else None,
    )
