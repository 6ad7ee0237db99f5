"""Repair attempts: an image that failed only repairable rules is made again, under a cap.

After the first render is scored, each attempt starts from the best one so far and
applies what assets/compliance/repairs.py plans for its violations: a new background
(a provider call, priced and checked against the budget before it is made) and/or
the renderer's fixes (a scrim, a logo plate: free). The best-scoring attempt is kept
(the earliest of equals); only its file is ever written to the store. Every attempt
is recorded, with a small thumbnail, in the kept image's generation_parameters.

Stops when the image has no violation left, when what is left is not repairable,
when `max_repair_attempts` attempts were made, or when a provider call is refused
(the budget) or fails and no free fix is left: the reason is recorded.
"""

import base64
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from PIL import Image

from assets.compliance.repairs import repair_plan, unrepairable
from assets.compliance.results import ComplianceResult
from assets.rendering import NO_REPAIRS, RenderRepairs
from core.generation import GeneratedImage, GenerationError, ImageSpec

DEFAULT_MAX_ATTEMPTS = 2
MAX_ATTEMPTS_LIMIT = 5  # each may be a paid call: a typo of 50 must not spend 50 calls
SETTING = "max_repair_attempts"
THUMBNAIL_SIDE = 160  # px, the longer side: the gallery's attempt strip
SHARE_SETTING = "repair_budget_share"
DEFAULT_SHARE = Decimal("0.1")  # of each budget, per request: repairs never eat a day's budget


def max_attempts(organization_settings: Mapping) -> tuple[int, str | None]:
    """organizations.settings.max_repair_attempts (default 2) and a warning when unusable."""
    value = organization_settings.get(SETTING, DEFAULT_MAX_ATTEMPTS)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or not 0 <= value <= MAX_ATTEMPTS_LIMIT:
        return DEFAULT_MAX_ATTEMPTS, (
            f"organizations.settings.{SETTING} must be a whole number from 0 to "
            f"{MAX_ATTEMPTS_LIMIT}, got {value!r:.40}; {DEFAULT_MAX_ATTEMPTS} used"
        )
    return value, None


def budget_share(organization_settings: Mapping) -> tuple[Decimal, str | None]:
    """organizations.settings.repair_budget_share: the share of each of the organization's
    budgets (daily, monthly) that one request's repairs may spend (default 0.1), and a
    warning when the value is unusable."""
    value = organization_settings.get(SHARE_SETTING, DEFAULT_SHARE)
    try:
        share = None if isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite() or not 0 <= share <= 1:
        return DEFAULT_SHARE, (
            f"organizations.settings.{SHARE_SETTING} must be a number from 0 to 1, "
            f"got {value!r:.40}; {DEFAULT_SHARE} used"
        )
    return share, None


@dataclass(frozen=True)
class Attempt:
    number: int  # 0: the first render
    data: bytes  # the encoded image
    extension: str
    render: dict  # the render record compliance scores against
    result: ComplianceResult
    generated: GeneratedImage  # the background it was composed over
    spec: ImageSpec  # what that background was asked with
    changes: str
    provider_call: bool
    repairs: RenderRepairs = NO_REPAIRS

    def record(self, thumbnail: bool) -> dict:
        record = {
            "attempt": self.number,
            "changed": self.changes,
            "score": self.result.score,
            "status": self.result.status,
            "violations": self.result.violations,
            "provider_call": self.provider_call,
            "seed": self.generated.seed if self.generated.seed is not None else self.spec.seed,
            "render_repairs": self.repairs.as_dict(),
        }
        if thumbnail:
            record["thumbnail"] = thumbnail_uri(self.data)
        return record


@dataclass
class Repaired:
    attempts: list[Attempt]
    stopped: str  # why no further attempt was made
    calls: int = 0  # provider calls the repairs made (each recorded in api_usage)
    notes: list[str] = field(default_factory=list)

    @property
    def kept(self) -> Attempt:
        return best_of(self.attempts)

    @property
    def first(self) -> Attempt:
        return self.attempts[0]

    @property
    def repaired(self) -> bool:
        return len(self.attempts) > 1

    def record(self) -> dict:
        """generation_parameters["repair"]: every attempt, the kept one, why it stopped."""
        return {
            "attempts": [attempt.record(self.repaired) for attempt in self.attempts],
            "kept": self.kept.number,
            "stopped": self.stopped,
            "provider_calls": self.calls,
        }


def best_of(attempts: list[Attempt]) -> Attempt:
    # passed first, then the score; the earliest of equals (fewest changes)
    return max(attempts, key=lambda a: (a.result.status == "passed", a.result.score, -a.number))


def thumbnail_uri(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="WEBP", quality=60, method=4)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode()


Compose = Callable[[GeneratedImage, RenderRepairs], tuple[bytes, str, dict]]
Judge = Callable[[bytes, dict], ComplianceResult]
NewBackground = Callable[[ImageSpec, int], tuple[ImageSpec, GeneratedImage]]


def repair(
    first: Attempt,
    *,
    limit: int,
    compose: Compose,
    judge: Judge,
    new_background: NewBackground,
) -> Repaired:
    """Attempts after ``first`` until it passes, cannot be repaired, or ``limit`` is reached.

    ``new_background(spec, attempt)`` makes the provider call (it raises
    GenerationError, e.g. BudgetExceededError, when the call is refused or fails)
    and returns the spec it asked with and the image.
    """
    attempts = [first]
    refused: str | None = None  # a provider call was refused: free fixes only from then on
    calls = 0
    while True:
        best = best_of(attempts)
        violations = best.result.violations
        if not violations:
            return Repaired(attempts, "passed" if best.number == 0 else "repaired", calls)
        blocked = unrepairable(violations)
        if blocked:
            return Repaired(attempts, f"not repairable: {', '.join(blocked)}", calls)
        if len(attempts) > limit:
            return Repaired(attempts, f"the cap of {limit} repair attempts is reached", calls)
        plan = repair_plan(best.result, renders_only=refused is not None)
        if plan is None:
            return Repaired(attempts, refused or "nothing left to repair", calls)
        repairs = RenderRepairs(
            scrim_zones=best.repairs.scrim_zones | plan.scrim_zones,
            logo_plate=best.repairs.logo_plate or plan.logo_plate,
        )
        number = len(attempts)
        spec, generated = best.spec, best.generated
        if plan.provider_call:
            try:
                spec, generated = new_background(best.spec, number)
            except GenerationError as error:
                refused = f"no further provider call: {error}"
                continue
            calls += 1
        try:
            data, extension, render = compose(generated, repairs)
        except GenerationError as error:
            return Repaired(attempts, f"attempt {number} could not be rendered: {error}", calls)
        attempts.append(
            Attempt(
                number=number,
                data=data,
                extension=extension,
                render=render,
                result=judge(data, render),
                generated=generated,
                spec=spec,
                changes=plan.changes,
                provider_call=plan.provider_call,
                repairs=repairs,
            )
        )
