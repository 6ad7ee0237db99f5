"""score(image, kit, placement, render_metadata) → ComplianceResult: every rule, one verdict."""

import time
from collections.abc import Mapping
from pathlib import Path

from PIL import Image

from assets.brand_kits import BrandKit
from assets.compliance.contrast import contrast_rule
from assets.compliance.fonts import fonts_rule
from assets.compliance.images import NormalisedImage, load_image
from assets.compliance.logo import logo_rule
from assets.compliance.palette import palette_rule
from assets.compliance.platform_fit import platform_rule
from assets.compliance.render_info import read_render_info
from assets.compliance.results import ComplianceResult, decide_status, weighted_score
from assets.compliance.safe_zones import safe_zone_rule
from assets.compliance.settings import DEFAULT_SETTINGS, RuleSettings
from assets.compliance.text_fit import text_fit_rule
from core.placements import Placement, all_placements


def find_placement(key: str | None) -> Placement | None:
    """A placement by its key ("instagram.story"); None when unknown or not given."""
    return next((p for p in all_placements() if p.key == key), None) if key else None


def score(
    image: NormalisedImage | bytes | str | Path | Image.Image,
    kit: BrandKit,
    placement: Placement | str | None = None,
    render_metadata: Mapping | None = None,
    *,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> ComplianceResult:
    """Score ``image`` against ``kit`` for ``placement`` (a Placement or its key).

    ``render_metadata`` is RenderResult.metadata (or what generation stored of it);
    without it the text rules are reported as not measured and the logo is searched
    for over the whole image. When no placement is given, the metadata's is used.
    Raises ImageRefusedError for an image that cannot be measured at all.
    """
    started = time.perf_counter()
    loaded = image if isinstance(image, NormalisedImage) else load_image(image)
    pixels = loaded.image
    info = read_render_info(render_metadata, pixels.size)
    if isinstance(placement, str):
        placement = find_placement(placement)
    if placement is None and info is not None:
        placement = find_placement(info.placement_key)

    logo, found = logo_rule(pixels, kit, info, settings)
    rules = (
        palette_rule(pixels, kit, settings),
        logo,
        contrast_rule(pixels, info, settings),
        platform_rule(loaded, placement, settings),
        safe_zone_rule(pixels.size, placement, info, found.box if found else None, settings),
        fonts_rule(kit, info, settings),
        text_fit_rule(info, settings),
    )
    total = weighted_score(rules)
    minimum = float(kit.minimum_compliance_score)
    return ComplianceResult(
        score=total,
        status=decide_status(rules, total, kit.enforcement_level, minimum),
        rules=rules,
        enforcement_level=kit.enforcement_level,
        minimum_score=minimum,
        placement=placement.key if placement is not None else None,
        image=loaded.describe(),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )
