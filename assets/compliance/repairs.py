"""Which failed rules the pipeline may fix by itself, and how (docs/REPAIRS.md). No Dagster.

The policy is data, one entry per rule (or per check of a rule, "logo.clear_space"),
beside the rules' thresholds in settings.py. A failure is repairable when every
violation of the image has an entry here: one failure the pipeline cannot fix
(a wrong template size, a missing font) means no attempt at all, since a new
background could not make that image pass.

    plan = repair_plan(result)      # None: passed, or some failure is not repairable
    plan.provider_call              # does this attempt need a new background?
    plan.scrim_zones, plan.logo_plate, plan.changes
"""

from collections.abc import Iterable
from dataclasses import dataclass

from assets.compliance.results import ComplianceResult

NEW_BACKGROUND = "new_background"  # a provider call: new seed, palette-weighted prompt
SCRIM = "scrim"  # re-render: an opaque scrim behind the failing text zone
LOGO_PLATE = "logo_plate"  # re-render: a flat plate behind the logo


@dataclass(frozen=True)
class Repair:
    action: str
    provider_call: bool
    what: str  # one line, as the gallery and the run metadata say it


# violation ("rule" or "rule.check") → its repair; a violation not listed is not repairable
POLICY: dict[str, Repair] = {
    "palette_adherence": Repair(
        NEW_BACKGROUND,
        provider_call=True,
        what="new background: new seed, brand colours only, palette-weighted prompt",
    ),
    "text_contrast": Repair(SCRIM, provider_call=False, what="opaque scrim behind {zones}"),
    "logo.clear_space": Repair(LOGO_PLATE, provider_call=False, what="plate behind the logo"),
}
# stated, so the documentation and the tests can list them: never attempted
NOT_REPAIRABLE = {
    "platform_fit": "a wrong template size: a new background has the same canvas",
    "fonts": "a missing font is the brand kit's, not the image's",
    "safe_zones": "the template puts the element there: fix the template",
    "text_fit": "the text does not fit its zone at any size: shorten it",
    "logo.present": "the logo is missing from the render: the brand kit's logo is at fault",
    "logo.size": "the template's logo zone is too small",
    "logo.in_zone": "the logo is drawn where the template says",
    "image": "the file could not be read",
}


@dataclass(frozen=True)
class RepairPlan:
    violations: tuple[str, ...]
    provider_call: bool
    scrim_zones: frozenset[str]
    logo_plate: bool

    @property
    def changes(self) -> str:
        """What this attempt changes, in words."""
        parts = []
        for violation in self.violations:
            repair = repair_for(violation)
            if repair is not None and repair.what not in parts:
                parts.append(repair.what)
        zones = ", ".join(sorted(self.scrim_zones)) or "the text"
        return "; ".join(parts).replace("{zones}", zones)


def repair_for(violation: str) -> Repair | None:
    """The repair of one violation ("rule" or "rule.check"); None when not repairable.
    A rule listed as a whole covers each of its checks ("text_contrast.headline")."""
    return POLICY.get(violation) or POLICY.get(violation.split(".", 1)[0])


def unrepairable(violations: Iterable[str]) -> list[str]:
    return [violation for violation in violations if repair_for(violation) is None]


def repair_plan(result: ComplianceResult, *, renders_only: bool = False) -> RepairPlan | None:
    """What to change for ``result`` to pass; None when it passed or cannot be repaired.

    ``renders_only``: a provider call is not allowed (the budget refused one), so only
    the renderer's fixes are planned; None when the failure needs a new background.
    """
    violations = tuple(result.violations)
    if not violations or unrepairable(violations):
        return None
    repairs = [repair_for(violation) for violation in violations]
    provider_call = any(repair.provider_call for repair in repairs)
    if provider_call and renders_only:
        return None
    zones = frozenset(
        violation.split(".", 1)[1]
        for violation in violations
        if violation.startswith("text_contrast.")
    )
    if "text_contrast" in violations:  # failed as a whole: every drawn zone
        zones |= {check.check for check in result.rule("text_contrast").checks}
    return RepairPlan(
        violations=violations,
        provider_call=provider_call,
        scrim_zones=zones,
        logo_plate=any(repair.action == LOGO_PLATE for repair in repairs),
    )
