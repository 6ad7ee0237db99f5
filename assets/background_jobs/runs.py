"""A Dagster run as background_jobs sees it, and what its row says about it.

Plain data and functions, no Dagster: `facts.py` reads a run into `RunFacts`; these
functions decide the row's parameters, result and labels, so tests build RunFacts by
hand.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from resources.wording import plural

# the tags that tie a queued row to its runs (set by the queue sensor)
JOB_ID_TAG = "socialpipe/background_job_id"
ATTEMPT_TAG = "socialpipe/background_job_attempt"
# Dagster marks a re-execution (from the UI, or its own run retries) with its parent;
# it copies the parent's tags, so such a run is recorded on its own, not as the attempt
PARENT_RUN_TAG = "dagster/parent_run_id"
RETRY_NUMBER_TAG = "dagster/retry_number"
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
PARTITION_TAGS = (PARTITION_TAG, RANGE_START_TAG, RANGE_END_TAG)  # kept as partition(_range)
# Where a run came from and what it covered. Never the run config or tags as a whole:
# resource config can hold secrets (an API key).
KEPT_TAGS = (
    "dagster/backfill",
    "dagster/schedule_name",
    "dagster/sensor_name",
    PARENT_RUN_TAG,
    "dagster/root_run_id",
    RETRY_NUMBER_TAG,
)
KEPT_TAG_PREFIX = "socialpipe/"
# Jobs that write their own background_jobs rows for the work they do: the hourly
# escalation records each escalation (with its run id in parameters.escalated_by_run).
# Their successful runs are not mirrored again; a failure or a cancellation is, since
# nothing else would tell of it.
SELF_RECORDING_JOBS = frozenset({"approval_escalation"})
# figures worth adding up across a run's assets (each appears in one asset's metadata)
TOTALLED = ("images", "provider_calls", "cost_usd", "renditions")
MAX_METADATA_KEYS = 12


@dataclass(frozen=True)
class Materialization:
    asset: str
    metadata: Mapping[str, object]  # plain values (numbers, text, …)


@dataclass(frozen=True)
class RunFacts:
    """One Dagster run, read at one moment."""

    run_id: str
    job_name: str
    status: str  # running, succeeded, failed or cancelled
    tags: Mapping[str, str] = field(default_factory=dict)
    run_config: Mapping[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    materializations: tuple[Materialization, ...] = ()
    checks_passed: int = 0
    checks_failed: int = 0
    steps_failed: int = 0
    error: str | None = None  # one line, see rules.error_line

    @property
    def background_job_id(self) -> str | None:
        """The queued row this run is an attempt of, if it is one."""
        if PARENT_RUN_TAG in self.tags:
            return None
        return _uuid(self.tags.get(JOB_ID_TAG))

    @property
    def attempt(self) -> int | None:
        return _int(self.tags.get(ATTEMPT_TAG))

    @property
    def retry_number(self) -> int:
        return _int(self.tags.get(RETRY_NUMBER_TAG)) or 0


def _uuid(value: object) -> str | None:
    try:
        return str(UUID(str(value))) if value else None
    except ValueError:
        return None


def _int(value: object) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number >= 0 else None


def job_type_for(job_name: str) -> str:
    """The job_type of a mirrored run: its job's name, as the column's pattern wants it."""
    return re.sub(r"[^a-z0-9_]", "_", job_name.lower())[:64] or "run"


def should_mirror(job_name: str, status: str) -> bool:
    return job_name not in SELF_RECORDING_JOBS or status in ("failed", "cancelled")


def _op_configs(run_config: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    ops = run_config.get("ops")
    if not isinstance(ops, Mapping):
        return []
    return [
        op["config"]
        for op in ops.values()
        if isinstance(op, Mapping) and isinstance(op.get("config"), Mapping)
    ]


def named_ids(run_config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The content request and generated asset ids the run's ops were given (valid UUIDs
    only, first mention order)."""
    requests: dict[str, None] = {}
    assets: dict[str, None] = {}
    for config in _op_configs(run_config):
        for key, found in (("request_ids", requests), ("asset_ids", assets)):
            values = config.get(key)
            for value in values if isinstance(values, list) else []:
                if (valid := _uuid(value)) is not None:
                    found[valid] = None
    return list(requests), list(assets)


def run_parameters(facts: RunFacts) -> dict[str, Any]:
    """What the run was asked to do: its requests/assets, partitions and origin."""
    request_ids, asset_ids = named_ids(facts.run_config)
    parameters: dict[str, Any] = {}
    if request_ids:
        parameters["request_ids"] = request_ids
    if asset_ids:
        parameters["asset_ids"] = asset_ids
    if any(config.get("force") is True for config in _op_configs(facts.run_config)):
        parameters["force"] = True
    if RANGE_START_TAG in facts.tags:
        parameters["partition_range"] = {
            "start": facts.tags[RANGE_START_TAG],
            "end": facts.tags.get(RANGE_END_TAG, facts.tags[RANGE_START_TAG]),
        }
    elif PARTITION_TAG in facts.tags:
        parameters["partition"] = facts.tags[PARTITION_TAG]
    tags = {
        key: value
        for key, value in sorted(facts.tags.items())
        if (key in KEPT_TAGS or key.startswith(KEPT_TAG_PREFIX)) and key not in PARTITION_TAGS
    }
    if tags:
        parameters["tags"] = tags
    return parameters


def run_label(facts: RunFacts, parameters: Mapping[str, Any]) -> str:
    """A short job_name for the UI's lists: the job and what it covered."""
    detail = ""
    if parameters.get("request_ids"):
        detail = plural(len(parameters["request_ids"]), "request")
    elif parameters.get("asset_ids"):
        detail = f"{len(parameters['asset_ids'])} asset(s)"
    elif "partition_range" in parameters:
        span = parameters["partition_range"]
        detail = span["start"]
        if span["end"] != span["start"]:
            detail += f" .. {span['end']}"
    elif "partition" in parameters:
        detail = parameters["partition"]
    return (f"{facts.job_name}: {detail}" if detail else facts.job_name)[:200]


def _plain_figures(metadata: Mapping[str, object]) -> dict[str, object]:
    # numbers only: text and tables (previews, paths) stay in the Dagster UI
    figures = {key: value for key, value in metadata.items() if isinstance(value, int | float)}
    return dict(list(figures.items())[:MAX_METADATA_KEYS])


def summarise(facts: RunFacts) -> dict[str, Any]:
    """The row's result: materializations per asset, each asset's figures (counts, cost,
    …), totals across assets, check outcomes. A range run materializes an asset once per
    partition with the same figures: the count says how many, the figures appear once."""
    counts = Counter(m.asset for m in facts.materializations)
    figures: dict[str, dict[str, object]] = {}
    for materialization in facts.materializations:
        figures.setdefault(materialization.asset, _plain_figures(materialization.metadata))
    totals: dict[str, float] = {}
    for asset_figures in figures.values():
        for key in TOTALLED:
            value = asset_figures.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                totals[key] = totals.get(key, 0) + value
    result: dict[str, Any] = {
        "dagster_run_id": facts.run_id,
        "materializations": dict(sorted(counts.items())),
        "assets": {asset: figures[asset] for asset in sorted(figures) if figures[asset]},
        "totals": {key: round(value, 6) for key, value in totals.items()},
        "checks": {"passed": facts.checks_passed, "failed": facts.checks_failed},
        "steps_failed": facts.steps_failed,
    }
    if facts.started_at and facts.completed_at:
        result["seconds"] = round((facts.completed_at - facts.started_at).total_seconds(), 3)
    return result


def single_organization(organizations: Iterable[str | None]) -> str | None:
    """The organization when everything the run named belongs to one, else None."""
    found = {str(org) for org in organizations if org is not None}
    return found.pop() if len(found) == 1 else None
