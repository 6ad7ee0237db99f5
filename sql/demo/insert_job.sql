-- One finished background job of the demo's past pipeline work: the schema's default
-- priority and retries (3, 3), last updated when it finished.
insert into background_jobs (
    id, job_type, job_name, parameters, priority, status, started_at, completed_at,
    result, error_message, retry_count, max_retries, scheduled_for, organization_id,
    user_id, content_request_id, created_at, updated_at
)
values (
    :id, :job_type, :job_name, cast(:parameters as jsonb), 3, :status, :started_at,
    :completed_at, cast(:result as jsonb), :error_message, :retry_count, 3, :scheduled_for,
    :organization_id, :user_id, :content_request_id, :created_at, :completed_at
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
