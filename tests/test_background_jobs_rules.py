"""The background_jobs rules as plain functions: validation, backoff, settlement, summaries."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from assets.background_jobs.facts import MAX_ERROR_CHARS, error_line
from assets.background_jobs.mirror import RetryPolicy, Settlement, settle
from assets.background_jobs.rules import InvalidJob, ownership_problem, validate_job
from assets.background_jobs.runs import (
    ATTEMPT_TAG,
    JOB_ID_TAG,
    Materialization,
    RunFacts,
    job_type_for,
    run_label,
    run_parameters,
    should_mirror,
    single_organization,
    summarise,
)

DAYS = (date(2024, 1, 1), date(2026, 6, 30))
A, B = str(uuid4()), str(uuid4())


def test_regenerate_request_takes_request_ids_or_falls_back_to_the_row_s_request():
    spec = validate_job("regenerate_request", {"request_ids": [A, B, A]})
    assert spec.request_ids == (A, B) and spec.force
    assert validate_job("regenerate_request", {}, content_request_id=A).request_ids == (A,)


def test_rerender_variants_takes_requests_or_assets_and_forces_by_default():
    spec = validate_job("rerender_variants", {"asset_ids": [A]})
    assert spec.asset_ids == (A,) and spec.request_ids == () and spec.force
    assert not validate_job("rerender_variants", {"request_ids": [B], "force": False}).force


def test_recompute_analytics_takes_a_date_range_within_the_partitions():
    spec = validate_job(
        "recompute_analytics", {"start": "2026-01-01", "end": "2026-01-31"}, analytics_days=DAYS
    )
    assert (spec.first_day, spec.last_day) == (date(2026, 1, 1), date(2026, 1, 31))


@pytest.mark.parametrize(
    ("job_type", "parameters", "message"),
    [
        ("make_coffee", {}, "unknown job_type 'make_coffee'; one of: regenerate_request"),
        ("regenerate_request", ["not", "an", "object"], "parameters must be a JSON object"),
        ("regenerate_request", {}, "request_ids is empty and the row has no content_request_id"),
        ("regenerate_request", {"request_id": A}, "parameters.request_id: Extra inputs"),
        ("regenerate_request", {"request_ids": ["nope"]}, "parameters.request_ids.0: Input"),
        ("regenerate_request", {"request_ids": [A] * 101}, "parameters.request_ids: List"),
        ("rerender_variants", {}, "parameters: give request_ids or asset_ids"),
        ("recompute_analytics", {"start": "2026-01-01"}, "parameters.end: Field required"),
        ("recompute_analytics", {"start": "2026-02-01", "end": "2026-01-01"}, "is before start"),
        ("recompute_analytics", {"start": "2024-01-01", "end": "2026-01-01"}, "at most 366"),
        ("recompute_analytics", {"start": "2023-12-31", "end": "2024-01-01"}, "first analytics"),
        ("recompute_analytics", {"start": "2026-06-30", "end": "2026-07-01"}, "last complete"),
    ],
)
def test_bad_jobs_are_refused_with_a_message_naming_the_problem(job_type, parameters, message):
    with pytest.raises(InvalidJob) as refused:
        validate_job(job_type, parameters, analytics_days=DAYS)
    assert message in str(refused.value)


def test_a_tenant_s_job_may_name_only_its_own_rows():
    org, other = str(uuid4()), str(uuid4())
    assert ownership_problem(org, "request", (A,), {A: org}) is None
    assert ownership_problem(None, "request", (A,), {A: other}) is None  # the pipeline's own
    assert ownership_problem(org, "request", (A,), {A: other}) == (
        f"request(s) of another organization: {A}"
    )
    assert ownership_problem(org, "asset", (A, B), {A: org}) == f"unknown asset id(s): {B}"


def test_backoff_doubles_from_the_base_up_to_the_cap():
    policy = RetryPolicy(base_seconds=60, max_seconds=600)
    assert [policy.delay(n) for n in range(6)] == [60, 120, 240, 480, 600, 600]
    assert policy.delay(10_000) == 600  # no overflow however many retries


def test_a_failure_is_retried_until_max_retries_then_stays_failed():
    policy = RetryPolicy(base_seconds=30)
    assert settle("failed", 0, 2, policy) == Settlement("queued", 1, 30)
    assert settle("failed", 1, 2, policy) == Settlement("queued", 2, 60)
    assert settle("failed", 2, 2, policy) == Settlement("failed", 2)
    assert settle("succeeded", 1, 2, policy) == Settlement("succeeded", 1)
    assert settle("cancelled", 0, 2, policy) == Settlement("cancelled", 0)  # stopped on purpose


def test_an_error_becomes_its_first_line_with_where_it_happened_bounded():
    assert (
        error_line("\n  ValueError: boom\n  at line 2\n", where="step") == "step: ValueError: boom"
    )
    assert error_line("   ") is None
    long = error_line("x" * 2000)
    assert len(long) == MAX_ERROR_CHARS and long.endswith("…")


def _facts(**over) -> RunFacts:
    started = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    return RunFacts(
        **{
            "run_id": "run-1",
            "job_name": "content_generation",
            "status": "succeeded",
            "started_at": started,
            "completed_at": started + timedelta(seconds=4.5),
            **over,
        }
    )


def test_parameters_keep_what_the_run_was_asked_and_never_its_resources():
    facts = _facts(
        run_config={
            "ops": {
                "generated_assets": {"config": {"request_ids": [A, "junk"], "force": True}},
                "asset_variants": {"config": {"request_ids": [A], "asset_ids": [B]}},
            },
            "resources": {"image_provider": {"config": {"api_key": "secret"}}},
        },
        tags={
            "socialpipe/trigger": "sensor",
            "dagster/sensor_name": "content_request_sensor",
            "dagster/asset_partition_range_start": "2026-01-01",
            "dagster/asset_partition_range_end": "2026-01-31",
            "team": "not kept",
        },
    )
    parameters = run_parameters(facts)
    assert parameters == {
        "request_ids": [A],
        "asset_ids": [B],
        "force": True,
        "partition_range": {"start": "2026-01-01", "end": "2026-01-31"},
        "tags": {"dagster/sensor_name": "content_request_sensor", "socialpipe/trigger": "sensor"},
    }
    assert "secret" not in str(parameters)
    assert run_label(facts, parameters) == "content_generation: 1 request"
    assert run_label(facts, {"partition": "2026-01-02"}) == "content_generation: 2026-01-02"


def test_the_result_counts_materializations_and_totals_the_key_figures():
    facts = _facts(
        materializations=(
            Materialization("generated_assets", {"images": 4, "cost_usd": 0.16, "preview": "md"}),
            Materialization("asset_variants", {"renditions": 24, "bytes": 1000}),
            Materialization("daily_usage_summaries", {"rows_now": 3}),
            Materialization("daily_usage_summaries", {"rows_now": 3}),
        ),
        checks_passed=3,
        checks_failed=1,
    )
    result = summarise(facts)
    assert result["materializations"] == {
        "asset_variants": 1,
        "daily_usage_summaries": 2,
        "generated_assets": 1,
    }
    assert result["assets"]["generated_assets"] == {"images": 4, "cost_usd": 0.16}
    assert result["totals"] == {"images": 4, "cost_usd": 0.16, "renditions": 24}
    assert result["checks"] == {"passed": 3, "failed": 1}
    assert result["seconds"] == 4.5 and result["dagster_run_id"] == "run-1"


def test_a_run_belongs_to_an_organization_only_when_everything_it_named_does():
    assert single_organization(["o1", "o1"]) == "o1"
    assert single_organization(["o1", "o2"]) is None
    assert single_organization([]) is None


def test_only_first_runs_of_queued_jobs_count_as_attempts():
    job = str(uuid4())
    tags = {JOB_ID_TAG: job, ATTEMPT_TAG: "2"}
    assert (_facts(tags=tags).background_job_id, _facts(tags=tags).attempt) == (job, 2)
    # a re-execution copies its parent's tags: it is recorded as a run of its own
    assert _facts(tags={**tags, "dagster/parent_run_id": "x"}).background_job_id is None
    assert _facts(tags={JOB_ID_TAG: "not-a-uuid"}).background_job_id is None


def test_job_types_follow_the_column_pattern_and_escalation_records_itself():
    assert job_type_for("Content-Generation v2") == "content_generation_v2"
    assert not should_mirror("approval_escalation", "succeeded")
    assert not should_mirror("approval_escalation", "running")
    assert should_mirror("approval_escalation", "failed")
    assert should_mirror("content_generation", "running")
