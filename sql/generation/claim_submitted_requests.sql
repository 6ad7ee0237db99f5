-- The sensor's queue: the most urgent waiting requests, marked queued in the same
-- statement and claimed for the run that will process them (its id when the caller
-- knows it; a sensor names the RunRequest's run key in the same transaction,
-- name_claims.sql). "skip locked" lets two ticks (or a
-- tick and a CLI run) claim disjoint sets. A claim whose run died is released by the
-- next tick or CLI run (sql/generation/release_claims.sql); a request left queued for
-- long without any claim (claimed before claims named runs) is claimed again.
with next_batch as (
    select id
    from content_requests
    where status = 'submitted'
       or (
           status = 'queued'
           and claim_run_id is null
           and claim_run_key is null
           and updated_at < now() - make_interval(mins => :requeue_after_minutes)
       )
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
    from next_batch
    where r.id = next_batch.id
    returning r.id, r.priority, r.due_date, r.created_at, r.updated_at
)

select id, updated_at from claimed
order by priority desc, due_date asc nulls last, created_at
