"""Fonts: every drawn text zone used the brand's font for its role.

Read from the render metadata (pixels cannot tell a typeface reliably). A zone
drawn in a fallback font, because the brand font is not installed, fails too.
"""

from pathlib import Path

from assets.brand_kits import BrandKit, font_file
from assets.compliance.render_info import RenderInfo, TextElement, drawn_texts
from assets.compliance.results import Measurement, RuleResult, not_measured
from assets.compliance.settings import RuleSettings

RULE = "fonts"


def _brand_font_used(element: TextElement, kit: BrandKit) -> tuple[bool, str]:
    font = kit.font(element.font_role)
    expected = font.requested or font.family
    if element.font_fallback or font.fallback:
        return False, f"{element.name}: brand font {expected!r} unavailable, drawn in a fallback"
    files = {font_file(font), font_file(font, bold=True)}
    used = element.font_file or ""
    # the file itself, or the same file name or family (rendered on another machine)
    same = (
        used in files
        or Path(used).name in {Path(f).name for f in files}
        or (element.font_family or "").lower() == font.family.lower()
    )
    name = element.font_family or Path(used).stem or "an unknown font"
    if same:
        return True, f"{element.name}: {name} ({element.font_role} brand font)"
    return (
        False,
        f"{element.name}: drawn in {name}, the brand's {element.font_role} font is {expected}",
    )


def fonts_rule(kit: BrandKit, info: RenderInfo | None, settings: RuleSettings) -> RuleResult:
    weight = settings.weight(RULE)
    drawn, reason = drawn_texts(info, "no render metadata, so the fonts used are unknown")
    if reason:
        return not_measured(RULE, weight, reason)
    checks = []
    for element in drawn:
        ok, message = _brand_font_used(element, kit)
        checks.append(
            Measurement(element.name, element.font_family, element.font_role, ok, message)
        )
    good = sum(check.passed for check in checks) / len(checks)
    failed = [check for check in checks if not check.passed]
    return RuleResult(
        rule=RULE,
        value=round(good, 3),
        threshold=1.0,
        weight=weight,
        passed=not failed,
        message="; ".join(c.message for c in failed) if failed else "all text in the brand fonts",
        progress=good,
        checks=tuple(checks),
    )
