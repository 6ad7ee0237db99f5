-- The sensor's queue: the most urgent submitted requests, marked queued in the same
-- statement and claimed for the run that will process them (its id when the caller
-- knows it; a sensor names the RunRequest's run key in the same transaction,
-- name_claims.sql). "skip locked" lets two ticks (or a tick and a CLI run) claim
-- disjoint sets. Submitted only, in the order of content_requests_submitted_queue_idx,
-- so that the index hands over the first rows without a scan and sort of the backlog;
-- old claims that named no run are taken back by reclaim_stale_requests.sql.
with next_batch as (
    select id
    from content_requests
    where status = 'submitted'
    order by priority desc, due_date asc nulls last, created_at
    limit :batch_size
    for update skip locked
),

claimed as (
    update content_requests as r
    set status = 'queued',
        status_reason = null,
        claim_run_id = cast(:run_id as text),
        claim_run_key = null,
        claimed_at = now()
    -- by primary key: a join with the CTE would have the planner scan the whole table
    where r.id = any(array(select id from next_batch))
    returning r.id, r.priority, r.due_date, r.created_at, r.updated_at
)

select id, updated_at from claimed
order by priority desc, due_date asc nulls last, created_at
