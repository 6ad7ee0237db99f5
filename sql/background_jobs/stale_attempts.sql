-- Attempts claimed long ago that no finished run has settled: the tick that claimed
-- them may have died before Dagster recorded their run, or the run-status sensors are
-- off. Locked so that two ticks take disjoint sets, and touched (updated_at) so that
-- each comes back only after another interval.
with stale as (
    select id
    from background_jobs
    where
        status = 'running'
        and job_type = any(:job_types)
        and updated_at < now() - make_interval(mins => :minutes)
    order by updated_at
    limit :limit
    for update skip locked
),

touched as (
    update background_jobs as j
    set updated_at = now()
    from stale
    where j.id = stale.id
    returning j.id, j.job_type, j.parameters, j.retry_count, j.organization_id,
        j.content_request_id
)

select id, job_type, parameters, retry_count, organization_id, content_request_id
from touched
