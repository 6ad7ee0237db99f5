"""The template renderer: plain Pillow, no Dagster. It draws the brand's template over a
provider's background (docs/PROVIDERS.md).

result = render_template(background, kit, template, request_texts(request_row))
result.image      # RGB at the template's canvas size
result.metadata   # zones, drawn text boxes, fonts, colours, contrast, logo box
"""

from assets.rendering.compose import (
    DEFAULT_CTA,
    NO_REPAIRS,
    RenderRepairs,
    RenderResult,
    render_template,
    request_texts,
)
from assets.rendering.contrast import WCAG_AA, contrast_ratio, luminance
from assets.rendering.text_fit import FittedText, fit_text, wrap

__all__ = [
    "DEFAULT_CTA",
    "WCAG_AA",
    "FittedText",
    "NO_REPAIRS",
    "RenderRepairs",
    "RenderResult",
    "contrast_ratio",
    "fit_text",
    "luminance",
    "render_template",
    "request_texts",
    "wrap",
]
