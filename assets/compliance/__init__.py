"""Brand compliance: rules on the pixels of an image, a score and a verdict. No Dagster.

What the verdicts mean per enforcement level: docs/ENFORCEMENT.md.

    image = load_image(data)                 # any file → upright sRGB; ImageRefusedError
    result = score(image, kit, placement, render_metadata)
    result.score, result.status, result.rules, result.as_dict()  # compliance_details

Rules: palette_adherence, logo, text_contrast, platform_fit, safe_zones, fonts
(thresholds and weights in settings.py). The Dagster asset is definitions.py.
"""

from assets.compliance.images import ImageRefusedError, NormalisedImage, load_image
from assets.compliance.results import (
    ComplianceResult,
    Measurement,
    RuleResult,
    decide_status,
    weighted_score,
)
from assets.compliance.scorer import find_placement, score
from assets.compliance.settings import DEFAULT_SETTINGS, RuleSettings

__all__ = [
    "DEFAULT_SETTINGS",
    "Measurement",
    "ComplianceResult",
    "ImageRefusedError",
    "NormalisedImage",
    "RuleResult",
    "RuleSettings",
    "decide_status",
    "find_placement",
    "load_image",
    "score",
    "weighted_score",
]
