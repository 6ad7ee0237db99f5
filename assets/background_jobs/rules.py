"""What an application may queue in background_jobs.

Plain functions, no Dagster, so tests call them directly. The queue sensor validates
each claimed row with `validate_job`; how a finished attempt settles is mirror.py's.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

REGENERATE_REQUEST = "regenerate_request"
RERENDER_VARIANTS = "rerender_variants"
RECOMPUTE_ANALYTICS = "recompute_analytics"
QUEUE_JOB_TYPES = (REGENERATE_REQUEST, RERENDER_VARIANTS, RECOMPUTE_ANALYTICS)

# a queued job is one run: the request sensor's batches are 10, a run of 100 requests
# already takes minutes; a larger piece of work is several rows
MAX_IDS = 100
MAX_ANALYTICS_DAYS = 366


class InvalidJob(ValueError):
    """A queued row that cannot become a run; the message says what is wrong."""


class _Parameters(BaseModel):
    # a misspelt key ("request_id") must fail loudly, not be silently ignored
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegenerateRequestParameters(_Parameters):
    request_ids: list[UUID] = Field(default_factory=list, max_length=MAX_IDS)


class RerenderVariantsParameters(_Parameters):
    request_ids: list[UUID] = Field(default_factory=list, max_length=MAX_IDS)
    asset_ids: list[UUID] = Field(default_factory=list, max_length=MAX_IDS)
    force: bool = True

    @model_validator(mode="after")
    def _names_something(self) -> "RerenderVariantsParameters":
        if not self.request_ids and not self.asset_ids:
            raise ValueError("give request_ids or asset_ids (or both)")
        return self


@lru_cache(maxsize=1)
def analytics_asset_names() -> frozenset[str]:
    """The analytics assets a recompute_analytics job may name (the models and the
    platform metrics' content_analytics)."""
    from assets.analytics.models import load_models

    return frozenset({"content_analytics", *(model.name for model in load_models())})


class RecomputeAnalyticsParameters(_Parameters):
    start: date
    end: date
    # only these analytics assets (and their checks); empty: all of them
    assets: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _known_assets(self) -> "RecomputeAnalyticsParameters":
        unknown = sorted(set(self.assets) - analytics_asset_names())
        if unknown:
            known = ", ".join(sorted(analytics_asset_names()))
            raise ValueError(f"unknown analytics asset(s) {', '.join(unknown)}; one of: {known}")
        return self

    @model_validator(mode="after")
    def _is_a_range(self) -> "RecomputeAnalyticsParameters":
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        days = (self.end - self.start).days + 1
        if days > MAX_ANALYTICS_DAYS:
            raise ValueError(f"{days} days; at most {MAX_ANALYTICS_DAYS} per job")
        return self


@dataclass(frozen=True)
class JobSpec:
    """A validated queued job: what its run is to do."""

    job_type: str
    request_ids: tuple[str, ...] = ()
    asset_ids: tuple[str, ...] = ()
    force: bool = False
    first_day: date | None = None
    last_day: date | None = None
    analytics_assets: tuple[str, ...] = ()  # empty: every analytics asset


def _unique(ids: list[UUID]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(i) for i in ids))


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"parameters.{where}: {message}" if where else f"parameters: {message}")
    return "; ".join(parts)


def validate_job(
    job_type: str,
    parameters: object,
    *,
    content_request_id: UUID | str | None = None,
    analytics_days: tuple[date, date] | None = None,
) -> JobSpec:
    """The run a queued row asks for, or InvalidJob naming what is wrong.

    ``content_request_id`` (the row's column) stands in for an empty ``request_ids`` of a
    regenerate_request; ``analytics_days`` is the first and last day the analytics
    partitions allow.
    """
    if job_type not in QUEUE_JOB_TYPES:
        raise InvalidJob(f"unknown job_type {job_type!r}; one of: {', '.join(QUEUE_JOB_TYPES)}")
    if not isinstance(parameters, Mapping):
        raise InvalidJob(f"parameters must be a JSON object, not {type(parameters).__name__}")
    try:
        if job_type == REGENERATE_REQUEST:
            regenerate = RegenerateRequestParameters.model_validate(parameters)
            return _regenerate(regenerate, content_request_id)
        if job_type == RERENDER_VARIANTS:
            rerender = RerenderVariantsParameters.model_validate(parameters)
            return JobSpec(
                job_type,
                request_ids=_unique(rerender.request_ids),
                asset_ids=_unique(rerender.asset_ids),
                force=rerender.force,
            )
        analytics = RecomputeAnalyticsParameters.model_validate(parameters)
    except ValidationError as error:
        raise InvalidJob(_describe(error)) from None
    return _recompute(analytics, analytics_days)


def _regenerate(parameters: RegenerateRequestParameters, fallback: UUID | str | None) -> JobSpec:
    ids = _unique(parameters.request_ids) or ((str(fallback),) if fallback else ())
    if not ids:
        raise InvalidJob("parameters.request_ids is empty and the row has no content_request_id")
    return JobSpec(REGENERATE_REQUEST, request_ids=ids, force=True)


def _recompute(
    parameters: RecomputeAnalyticsParameters, allowed: tuple[date, date] | None
) -> JobSpec:
    if allowed is not None:
        earliest, latest = allowed
        if parameters.start < earliest:
            raise InvalidJob(
                f"parameters.start {parameters.start} is before the first analytics day {earliest}"
            )
        if parameters.end > latest:
            raise InvalidJob(
                f"parameters.end {parameters.end} is after the last complete day {latest}"
            )
    return JobSpec(
        RECOMPUTE_ANALYTICS,
        first_day=parameters.start,
        last_day=parameters.end,
        analytics_assets=tuple(dict.fromkeys(parameters.assets)),
    )


def ownership_problem(
    organization_id: UUID | str | None,
    kind: str,
    wanted: tuple[str, ...],
    owners: Mapping[str, str],
) -> str | None:
    """Why the ids a row names may not be used, or None.

    ``owners`` maps each id found in the database to its organization. A row queued by
    a tenant (organization_id set; row-level security made it the tenant's own) may
    only name that tenant's rows: the pipeline acts across tenants, so it checks.
    """
    missing = [i for i in wanted if i not in owners]
    if missing:
        return f"unknown {kind} id(s): {', '.join(missing)}"
    if organization_id is None:
        return None
    foreign = [i for i in wanted if owners[i] != str(organization_id)]
    if foreign:
        return f"{kind}(s) of another organization: {', '.join(foreign)}"
    return None
