"""What a gallery page shows, read from the database rows of one request.

The compliance rules come from `compliance_details` as assets/compliance writes it
(`rules`: rule, value, threshold, weight, passed, message, points, checks). Older
documents (the demo's seeded images) carry fewer keys; missing ones stay None.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

# verdicts that let an image go out: lenient brands pass with warnings
# (docs/ENFORCEMENT.md, "Enforcement levels")
PASSING = frozenset({"passed", "passed_with_warnings"})


def passing_and_scored(images_by_verdict: Mapping[str, int]) -> tuple[int, int]:
    """(passed with or without warnings, scored): images still pending are not scored."""
    scored = sum(n for verdict, n in images_by_verdict.items() if verdict != "pending")
    passing = sum(n for verdict, n in images_by_verdict.items() if verdict in PASSING)
    return passing, scored


@dataclass(frozen=True)
class StoredMeasurement:
    """One measured condition inside a rule, as `compliance_details` stores it
    (written from assets/compliance/results.py's Measurement)."""

    name: str
    value: Any
    threshold: Any
    passed: bool | None
    message: str


@dataclass(frozen=True)
class Rule:
    name: str
    value: Any
    threshold: Any
    weight: float | None
    passed: bool | None  # None: not measured
    message: str
    points: float | None = None
    checks: tuple[StoredMeasurement, ...] = ()


@dataclass(frozen=True)
class Variant:
    id: str
    placement: str
    format: str
    width: int | None
    height: int | None
    aspect_ratio: str | None
    bytes: int | None
    ssim: float | None
    compression: str | None
    file_path: str | None
    file_url: str | None
    # share of the variant's pixels that are fill around the picture; None: not recorded
    fill_share: float | None = None


@dataclass(frozen=True)
class RepairAttempt:
    """One attempt at an image (generation_parameters.repair.attempts[i])."""

    number: int
    changed: str
    score: float | None
    status: str | None
    violations: tuple[str, ...]
    provider_call: bool
    thumbnail: str | None  # a data: URI, checked to be a base64 WebP or PNG
    kept: bool


@dataclass(frozen=True)
class Asset:
    id: str
    name: str
    platform: str
    candidate: str  # variant_type: primary, alternate_1, …
    width: int | None
    height: int | None
    bytes: int | None
    score: float | None
    status: str  # validation_status
    file_path: str | None
    file_url: str | None
    placement: str | None
    enforcement_level: str | None
    minimum_score: float | None
    violations: tuple[str, ...]
    rules: tuple[Rule, ...]
    variants: tuple[Variant, ...] = ()
    attempts: tuple[RepairAttempt, ...] = ()
    repair_stopped: str | None = None

    @property
    def thumbnail(self) -> Variant | None:
        """The smallest variant by bytes: a ready-made thumbnail, no new image to make."""
        sized = [v for v in self.variants if v.file_path and v.bytes is not None]
        return min(sized, key=lambda v: (v.bytes, v.id)) if sized else None


@dataclass(frozen=True)
class Approval:
    step: int
    step_name: str | None
    status: str
    approver: str | None
    delegated_to: str | None
    decided_at: datetime | None
    comments: str | None


@dataclass(frozen=True)
class Request:
    id: str
    organization_slug: str
    organization: str
    brand: str
    enforcement_level: str
    minimum_score: float | None
    title: str
    description: str | None
    brief: str | None
    content_type: str
    platforms: tuple[str, ...]
    status: str
    status_reason: str | None
    priority: int
    due_date: datetime | None
    created_at: datetime
    assets: tuple[Asset, ...] = ()
    approvals: tuple[Approval, ...] = field(default_factory=tuple)

    @property
    def variant_count(self) -> int:
        return sum(len(asset.variants) for asset in self.assets)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _size(dimensions: object) -> tuple[int | None, int | None]:
    if not isinstance(dimensions, Mapping):
        return None, None
    width, height = dimensions.get("width"), dimensions.get("height")
    return (
        int(width) if isinstance(width, int | float) else None,
        int(height) if isinstance(height, int | float) else None,
    )


def _check(raw: Mapping) -> StoredMeasurement:
    return StoredMeasurement(
        name=str(raw.get("check", "")),
        value=raw.get("value"),
        threshold=raw.get("threshold"),
        passed=raw.get("passed") if isinstance(raw.get("passed"), bool) else None,
        message=str(raw.get("message") or ""),
    )


def rule_from_details(raw: Mapping) -> Rule:
    checks = raw.get("checks")
    return Rule(
        name=str(raw.get("rule", "?")),
        value=raw.get("value"),
        threshold=raw.get("threshold"),
        weight=_number(raw.get("weight")),
        passed=raw.get("passed") if isinstance(raw.get("passed"), bool) else None,
        message=str(raw.get("message") or ""),
        points=_number(raw.get("points")),
        checks=tuple(_check(c) for c in checks if isinstance(c, Mapping))
        if isinstance(checks, list)
        else (),
    )


# what a thumbnail may be: an image inlined as base64, nothing a page could run
_DATA_URI = re.compile(r"^data:image/(webp|png|jpeg);base64,[A-Za-z0-9+/]+=*$")


def _attempt(raw: Mapping, kept: object) -> RepairAttempt:
    thumbnail = raw.get("thumbnail")
    violations = raw.get("violations") if isinstance(raw.get("violations"), list) else []
    number = raw.get("attempt") if isinstance(raw.get("attempt"), int) else -1
    return RepairAttempt(
        number=number,
        changed=str(raw.get("changed") or ""),
        score=_number(raw.get("score")),
        status=raw.get("status") if isinstance(raw.get("status"), str) else None,
        violations=tuple(str(v) for v in violations),
        provider_call=raw.get("provider_call") is True,
        thumbnail=thumbnail if isinstance(thumbnail, str) and _DATA_URI.match(thumbnail) else None,
        kept=number == kept,
    )


def attempts_from(repair: object) -> tuple[tuple[RepairAttempt, ...], str | None]:
    """The attempts of a repaired image (none when it was made once) and why they stopped."""
    if not isinstance(repair, Mapping) or not isinstance(repair.get("attempts"), list):
        return (), None
    attempts = tuple(
        _attempt(a, repair.get("kept")) for a in repair["attempts"] if isinstance(a, Mapping)
    )
    stopped = repair.get("stopped") if isinstance(repair.get("stopped"), str) else None
    return (attempts, stopped) if len(attempts) > 1 else ((), None)


def asset_from_row(row: Mapping, variants: tuple[Variant, ...]) -> Asset:
    details = row["compliance_details"] if isinstance(row["compliance_details"], Mapping) else {}
    rules = details.get("rules") if isinstance(details.get("rules"), list) else []
    violations = details.get("violations") if isinstance(details.get("violations"), list) else []
    width, height = _size(row["dimensions"])
    attempts, stopped = attempts_from(row.get("repair"))
    return Asset(
        id=str(row["id"]),
        name=row["asset_name"],
        platform=row["platform"],
        candidate=row["variant_type"],
        width=width,
        height=height,
        bytes=row["file_size_bytes"],
        score=_number(row["compliance_score"]),
        status=row["validation_status"],
        file_path=row["file_path"],
        file_url=row["file_url"],
        placement=details.get("placement") if isinstance(details.get("placement"), str) else None,
        enforcement_level=details.get("enforcement_level"),
        minimum_score=_number(details.get("minimum_compliance_score")),
        violations=tuple(str(v) for v in violations),
        rules=tuple(rule_from_details(r) for r in rules if isinstance(r, Mapping)),
        variants=variants,
        attempts=attempts,
        repair_stopped=stopped,
    )


def variant_from_row(row: Mapping) -> Variant:
    width, height = _size(row["dimensions"])
    return Variant(
        id=str(row["id"]),
        placement=row["placement"] or row["platform"],
        format=row["format_type"],
        width=width,
        height=height,
        aspect_ratio=row["aspect_ratio"],
        bytes=row["file_size_bytes"],
        ssim=_number(row["quality_score"]),
        compression=row["compression_level"],
        file_path=row["file_path"],
        file_url=row["file_url"],
        fill_share=_number(_optimization(row).get("fill_share")),
    )


def _optimization(row: Mapping) -> Mapping:
    value = row.get("optimization_applied")
    return value if isinstance(value, Mapping) else {}


def approval_from_row(row: Mapping) -> Approval:
    return Approval(
        step=row["step_number"],
        step_name=row["step_name"],
        status=row["status"],
        approver=row["approver"],
        delegated_to=row["delegated_to"],
        decided_at=row["decision_date"],
        comments=row["comments"],
    )


def request_from_row(
    row: Mapping, assets: tuple[Asset, ...], approvals: tuple[Approval, ...]
) -> Request:
    return Request(
        id=str(row["id"]),
        organization_slug=row["organization_slug"],
        organization=row["organization_name"],
        brand=row["brand"],
        enforcement_level=row["enforcement_level"],
        minimum_score=_number(row["minimum_compliance_score"]),
        title=row["title"],
        description=row["description"],
        brief=row["content_brief"],
        content_type=row["content_type"],
        platforms=tuple(row["target_platforms"] or ()),
        status=row["status"],
        status_reason=row["status_reason"],
        priority=row["priority"],
        due_date=row["due_date"],
        created_at=row["created_at"],
        assets=assets,
        approvals=approvals,
    )
