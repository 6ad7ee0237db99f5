"""What scoring produces: per-rule results, the 0–100 score, and the enforcement verdict.

The score is the weighted share of rules passed. A failed rule still earns part of
its weight for how close it came (at most half), so two failing images are ordered
by how far off they are; a rule that could not be measured (no render metadata,
no placement) is left out of the weighting rather than counted as passed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["passed", "passed_with_warnings", "needs_review", "rejected"]
STATUSES: tuple[Status, ...] = ("passed", "passed_with_warnings", "needs_review", "rejected")
# what a failure means at each enforcement level (docs/ENFORCEMENT.md, "Enforcement levels")
ON_FAILURE: dict[str, Status] = {
    "strict": "rejected",
    "moderate": "needs_review",
    "lenient": "passed_with_warnings",
}
FAILED_CREDIT = 0.5  # the most a failed rule can earn of its weight
DETAILS_VERSION = 1


@dataclass(frozen=True)
class Measurement:
    """One measured condition inside a rule (the logo's size, one text zone's contrast)."""

    check: str
    value: float | str | None
    threshold: float | str | None
    passed: bool | None
    message: str

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "value": self.value,
            "threshold": self.threshold,
            "passed": self.passed,
            "message": self.message,
        }


@dataclass(frozen=True)
class RuleResult:
    rule: str
    value: float | str | None
    threshold: float | str | None
    weight: float
    passed: bool | None  # None: not measured (and left out of the score)
    message: str
    # how close a failed rule came, 0..1 (1 for a passed rule)
    progress: float = 1.0
    checks: tuple[Measurement, ...] = ()
    details: dict = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        return self.passed is not None

    def credit(self) -> float:
        if self.passed:
            return 1.0
        return FAILED_CREDIT * min(1.0, max(0.0, self.progress))

    def violations(self) -> list[str]:
        """'rule' or 'rule.check' for each failed part, e.g. 'logo.size'."""
        if self.passed is not False:
            return []
        failed = [f"{self.rule}.{c.check}" for c in self.checks if c.passed is False]
        return failed or [self.rule]

    def as_dict(self, points: float | None = None) -> dict:
        record = {
            "rule": self.rule,
            "value": self.value,
            "threshold": self.threshold,
            "weight": self.weight,
            "passed": self.passed,
            "message": self.message,
        }
        if points is not None:
            record["points"] = round(points, 2)
        if self.checks:
            record["checks"] = [check.as_dict() for check in self.checks]
        if self.details:
            record["details"] = self.details
        return record


def not_measured(rule: str, weight: float, reason: str) -> RuleResult:
    return RuleResult(rule, None, None, weight, None, f"not measured: {reason}")


@dataclass(frozen=True)
class ComplianceResult:
    score: float  # 0..100
    status: Status
    rules: tuple[RuleResult, ...]
    enforcement_level: str
    minimum_score: float
    placement: str | None = None
    image: dict = field(default_factory=dict)
    elapsed_ms: float | None = None

    @property
    def failed(self) -> list[RuleResult]:
        return [rule for rule in self.rules if rule.passed is False]

    @property
    def violations(self) -> list[str]:
        return [v for rule in self.rules for v in rule.violations()]

    def rule(self, name: str) -> RuleResult:
        return next(rule for rule in self.rules if rule.rule == name)

    def as_dict(self) -> dict:
        """The compliance_details document (JSON-serialisable)."""
        weights = sum(rule.weight for rule in self.rules if rule.measured)
        return {
            "version": DETAILS_VERSION,
            "score": self.score,
            "status": self.status,
            "enforcement_level": self.enforcement_level,
            "minimum_compliance_score": self.minimum_score,
            "placement": self.placement,
            "violations": self.violations,
            "rules": [
                rule.as_dict(100 * rule.weight * rule.credit() / weights if rule.measured else None)
                for rule in self.rules
            ],
            "image": self.image,
            "elapsed_ms": self.elapsed_ms,
        }


def weighted_score(rules: Sequence[RuleResult]) -> float:
    measured = [rule for rule in rules if rule.measured]
    total = sum(rule.weight for rule in measured)
    if total <= 0:
        return 0.0
    return round(100 * sum(rule.weight * rule.credit() for rule in measured) / total, 2)


def decide_status(
    rules: Sequence[RuleResult], score: float, enforcement_level: str, minimum_score: float
) -> Status:
    """passed when every measured rule passed and the score reaches the brand's minimum;
    otherwise what the brand's enforcement level makes of a failure."""
    if all(rule.passed is not False for rule in rules) and score >= minimum_score:
        return "passed"
    return ON_FAILURE.get(enforcement_level, "needs_review")
