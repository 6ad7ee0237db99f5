-- `socialpipe jobs list` and `jobs show`: whole rows, newest first, each with its
-- organization's slug and how long it ran. One statement for both commands, so a row
-- reads the same in either. Every filter is optional (null: no filter).
select
    j.id,
    j.job_type,
    j.job_name,
    j.status,
    j.priority,
    j.retry_count,
    j.max_retries,
    j.scheduled_for,
    j.started_at,
    j.completed_at,
    cast(extract(epoch from j.completed_at - j.started_at) as double precision) as seconds,
    j.error_message,
    j.organization_id,
    o.slug as organization,
    j.user_id,
    j.content_request_id,
    j.dagster_run_id,
    j.parameters,
    j.result,
    j.created_at,
    j.updated_at
from background_jobs as j
left join organizations as o on j.organization_id = o.id
where
    (cast(:id as uuid) is null or j.id = cast(:id as uuid))
    and (cast(:status as text) is null or j.status = cast(:status as text))
    and (cast(:job_type as text) is null or j.job_type = cast(:job_type as text))
    and (
        cast(:organization_id as uuid) is null
        or j.organization_id = cast(:organization_id as uuid)
    )
order by j.created_at desc, j.id
limit :limit
