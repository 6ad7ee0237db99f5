"""Rule thresholds and weights: one place, overridable per call (e.g. from system_settings)."""

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_WEIGHTS = {
    "palette_adherence": 0.25,
    "logo": 0.20,
    "text_contrast": 0.20,
    "platform_fit": 0.15,
    "safe_zones": 0.10,
    "fonts": 0.10,
    # a word split to fit its zone reads as a typo (the score divides by the sum)
    "text_fit": 0.10,
}


class RuleSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # a pixel is on-palette when its colour lies within this ΔE2000 of a brand colour
    palette_delta_e: float = Field(default=12.0, gt=0)
    palette_min_share: float = Field(default=0.70, ge=0, le=1)
    # masked normalised cross-correlation of the logo's luminance, -1..1
    logo_min_match: float = Field(default=0.70, gt=0, le=1)
    # the logo's shorter side, as a share of the canvas's shorter side
    logo_min_size: float = Field(default=0.08, ge=0, le=1)
    # free margin around the logo, as a share of the logo's shorter side
    logo_clear_space: float = Field(default=0.15, ge=0)
    # share of the logo's area that must lie inside its template zone
    logo_in_zone: float = Field(default=0.90, ge=0, le=1)
    # WCAG 2.x AA: 4.5 for normal text, 3.0 for large (≥ 24 px, or ≥ 18.66 px bold)
    contrast_normal: float = Field(default=4.5, ge=1)
    contrast_large: float = Field(default=3.0, ge=1)
    aspect_tolerance: float = Field(default=0.01, ge=0)
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, rule: str) -> float:
        return self.weights.get(rule, DEFAULT_WEIGHTS.get(rule, 0.0))


DEFAULT_SETTINGS = RuleSettings()
