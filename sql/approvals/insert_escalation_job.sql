-- The record of one escalation: a finished background job (docs/BACKGROUND_JOBS.md),
-- queryable by organization and request beside the rest of the pipeline's work.
insert into background_jobs (
    job_type, job_name, parameters, status, started_at, completed_at, result,
    organization_id, content_request_id
)
values (
    'approval_escalation', :job_name, cast(:parameters as jsonb), 'succeeded', now(), now(),
    cast(:result as jsonb), :organization_id, :request_id
)
returning id
