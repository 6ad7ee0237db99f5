"""Brand kits and content templates, validated before use. No Dagster here.

What is checked and what a failure means: docs/ENFORCEMENT.md, "The brand kit, before use".

    kit = load_brand_kit(profile_row, brand_asset_rows, read_file=store.read_bytes)
    template = load_template(template_row)

Both raise a ValueError subclass (BrandKitError / TemplateError) whose ``field``
names what is wrong; catch it per request, so a bad kit fails only its requests.
"""

from assets.brand_kits.colors import LAB_SPACE, BrandColor, parse_color
from assets.brand_kits.errors import BrandKitError, TemplateError
from assets.brand_kits.fonts import ResolvedFont, font_file, load_font, resolve_font
from assets.brand_kits.geometry import Box, SafeArea
from assets.brand_kits.kit import BrandKit, LogoInfo, load_brand_kit
from assets.brand_kits.logo import (
    MAX_LOGO_BYTES,
    MAX_LOGO_PIXELS,
    check_logo_url,
    decode_logo,
    is_public_address,
)
from assets.brand_kits.template import ImageZone, TemplateSpec, TextZone, load_template

__all__ = [
    "LAB_SPACE",
    "MAX_LOGO_BYTES",
    "MAX_LOGO_PIXELS",
    "Box",
    "BrandColor",
    "BrandKit",
    "BrandKitError",
    "ImageZone",
    "LogoInfo",
    "ResolvedFont",
    "SafeArea",
    "TemplateError",
    "TemplateSpec",
    "TextZone",
    "check_logo_url",
    "decode_logo",
    "font_file",
    "is_public_address",
    "load_brand_kit",
    "load_font",
    "load_template",
    "parse_color",
    "resolve_font",
]
