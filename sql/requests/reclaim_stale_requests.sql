-- A request left queued for long without any claim (claimed before claims named runs)
-- is claimed again, as claim_submitted_requests.sql claims a submitted one. Apart from
-- that statement so that each uses its own partial index: this one
-- content_requests_unclaimed_queued_idx (a handful of rows), that one the submitted queue.
with stale as (
    select id
    from content_requests
    where status = 'queued'
      and claim_run_id is null
      and claim_run_key is null
      and updated_at < now() - make_interval(mins => :requeue_after_minutes)
    order by updated_at
    limit :batch_size
    for update skip locked
),

claimed as (
    update content_requests as r
    set status_reason = null,
        claim_run_id = cast(:run_id as text),
        claim_run_key = null,
        claimed_at = now()
    -- by primary key: a join with the CTE would have the planner scan the whole table
    where r.id = any(array(select id from stale))
    returning r.id, r.priority, r.due_date, r.created_at, r.updated_at
)

select id, updated_at from claimed
order by priority desc, due_date asc nulls last, created_at
