"""The demo brand kits: palettes, fonts, voice and enforcement level.

Three brands with real, distinct palettes so palette-adherence scoring has
something to tell apart; one brand per enforcement level.
"""

from dataclasses import dataclass, field

from socialpipe.demo.catalog import LF, NW


@dataclass(frozen=True)
class Swatch:
    name: str
    hex: str
    role: str  # primary | secondary | accent | neutral | text


@dataclass(frozen=True)
class DemoBrand:
    key: str
    organization: str  # slug
    name: str
    palette: tuple[Swatch, ...]
    primary_font: str
    secondary_font: str
    voice: str
    enforcement_level: str
    minimum_compliance_score: float
    logo_shape: str  # circle | diamond | hexagon, drawn by brand_images
    initials: str
    manager: str  # username of the brand manager who maintains the kit
    tags: tuple[str, ...] = field(default_factory=tuple)

    def color(self, role: str) -> str:
        return next(swatch.hex for swatch in self.palette if swatch.role == role)


BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand(
        key="northwind-coffee",
        organization=NW,
        name="Northwind Coffee",
        palette=(
            Swatch("Espresso", "#3E2723", "primary"),
            Swatch("Crema", "#D7B98E", "secondary"),
            Swatch("Roast Orange", "#E07A1F", "accent"),
            Swatch("Oat Milk", "#F5EFE6", "neutral"),
            Swatch("Charcoal", "#212121", "text"),
        ),
        primary_font="DejaVu Serif",
        secondary_font="DejaVu Sans",
        voice="Warm, unhurried and craft-proud; talks like a barista who knows your name.",
        enforcement_level="strict",
        minimum_compliance_score=85,
        logo_shape="circle",
        initials="NC",
        manager="priya.nair",
        tags=("coffee", "cafe"),
    ),
    DemoBrand(
        key="northwind-reserve",
        organization=NW,
        name="Northwind Reserve",
        palette=(
            Swatch("Midnight Navy", "#1B2A41", "primary"),
            Swatch("Brass", "#B08D57", "secondary"),
            Swatch("Cherry", "#9E2A2B", "accent"),
            Swatch("Ivory", "#F4F1EA", "neutral"),
            Swatch("Ink", "#10161F", "text"),
        ),
        primary_font="DejaVu Serif",
        secondary_font="DejaVu Sans",
        voice="Refined and precise; single-origin stories, tasting notes, limited lots.",
        enforcement_level="moderate",
        minimum_compliance_score=75,
        logo_shape="diamond",
        initials="NR",
        manager="priya.nair",
        tags=("premium", "single-origin"),
    ),
    DemoBrand(
        key="lumen-fitness",
        organization=LF,
        name="Lumen Fitness",
        palette=(
            Swatch("Electric Teal", "#00A6A6", "primary"),
            Swatch("Deep Indigo", "#2D1E6B", "secondary"),
            Swatch("Volt", "#C6F432", "accent"),
            Swatch("Cloud", "#F7F9FB", "neutral"),
            Swatch("Graphite", "#1F2933", "text"),
        ),
        primary_font="DejaVu Sans",
        secondary_font="DejaVu Sans Mono",
        voice="Energetic, inclusive and encouraging; short sentences, no shaming.",
        enforcement_level="lenient",
        minimum_compliance_score=65,
        logo_shape="hexagon",
        initials="LF",
        manager="aisha.khan",
        tags=("fitness", "wellness"),
    ),
)


def brands_of(slug: str) -> list[DemoBrand]:
    return [brand for brand in BRANDS if brand.organization == slug]
