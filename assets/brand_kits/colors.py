"""Brand colours: parsed with coloraide, kept as sRGB hex, RGB and CIELAB (D65).

CIELAB is computed once here, when the kit is loaded, so the compliance stage
measures ΔE2000 against a ready array instead of converting per image.
"""

from coloraide import Color
from pydantic import BaseModel, ConfigDict

# CIELAB with the D65 white point, matching sRGB's own (coloraide's plain 'lab' is D50)
LAB_SPACE = "lab-d65"


class BrandColor(BaseModel):
    model_config = ConfigDict(frozen=True)

    hex: str  # "#RRGGBB", upper case
    rgb: tuple[int, int, int]
    lab: tuple[float, float, float]
    name: str | None = None
    role: str | None = None  # primary | secondary | accent | neutral | text | ...
    weight: float = 1.0


class ColorParseError(ValueError):
    pass


def parse_color(
    value: object, *, name: str | None = None, role: str | None = None, weight: float = 1.0
) -> BrandColor:
    """A brand colour from any CSS colour coloraide reads ("#3E2723", "#fff", "teal", ...).

    Colours outside sRGB are gamut-mapped; translucent colours are refused
    (a brand colour is drawn opaque, so its alpha would silently be lost).
    """
    if not isinstance(value, str) or not value.strip():
        raise ColorParseError(f"{value!r} is not a colour")
    try:
        color = Color(value.strip())
    except ValueError:
        raise ColorParseError(f"{value!r} is not a colour") from None
    if color.alpha() < 1:
        raise ColorParseError(f"{value!r} is translucent; brand colours must be opaque")
    srgb = color.convert("srgb")
    if not srgb.in_gamut():
        srgb = srgb.fit()
    rgb = tuple(round(min(1.0, max(0.0, channel)) * 255) for channel in srgb.coords())
    hex_value = "#{:02X}{:02X}{:02X}".format(*rgb)
    # from the rounded sRGB value, so the LAB is exactly that of the pixels we draw
    lab = Color(hex_value).convert(LAB_SPACE).coords()
    return BrandColor(
        hex=hex_value,
        rgb=rgb,
        lab=(float(lab[0]), float(lab[1]), float(lab[2])),
        name=name,
        role=role,
        weight=weight,
    )
