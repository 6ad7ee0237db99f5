-- The queue sensor's claim: queued rows that are due, most urgent first (priority 5
-- first, then the longest waiting), marked running in the same statement. "skip
-- locked" lets two ticks claim disjoint sets; a claimed row is no longer queued, so a
-- second tick never claims it again. The previous attempt's timing is cleared (its
-- run's own times are written when the new run starts and ends).
with due as (
    select id
    from background_jobs
    where status = 'queued' and scheduled_for <= now()
    order by priority desc, scheduled_for, created_at
    limit :limit
    for update skip locked
),

claimed as (
    update background_jobs as j
    set status = 'running', started_at = null, completed_at = null
    from due
    where j.id = due.id
    returning
        j.id, j.job_type, j.parameters, j.priority, j.retry_count, j.scheduled_for,
        j.created_at, j.organization_id, j.content_request_id
)

select id, job_type, parameters, retry_count, organization_id, content_request_id
from claimed
order by priority desc, scheduled_for, created_at
