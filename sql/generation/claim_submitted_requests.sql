-- The sensor's queue: the most urgent waiting requests, marked queued in the same
-- statement. "skip locked" lets two ticks (or a tick and a CLI run) claim disjoint
-- sets. A request left queued for long (its tick died before the run was launched)
-- is claimed again; the run it gets cannot process it twice (start_processing.sql).
with next_batch as (
    select id
    from content_requests
    where status = 'submitted'
       or (status = 'queued' and updated_at < now() - make_interval(mins => :requeue_after_minutes))
    order by priority desc, due_date asc nulls last, created_at
    limit :batch_size
    for update skip locked
),

claimed as (
    update content_requests as r
    set status = 'queued', status_reason = null
    from next_batch
    where r.id = next_batch.id
    returning r.id, r.priority, r.due_date, r.created_at, r.updated_at
)

select id, updated_at from claimed
order by priority desc, due_date asc nulls last, created_at
