-- Take one request for processing, by a run that holds the request's lock
-- (assets/generation/claims.py): nobody else is generating it at this moment. A run
-- launched by the sensor processes only what is waiting (submitted, queued, failed); a
-- re-run by hand (force) also regenerates finished work, but not work another run
-- started after this one began (two forced runs at once regenerate a request once).
-- Drafts and cancelled requests are never generated. A request left processing holds
-- no lock (its run died, or it was written by hand with no start time): it is taken.
update content_requests
set status = 'processing',
    status_reason = null,
    processing_started_at = now(),
    processing_completed_at = null,
    claim_run_id = cast(:run_id as text),
    claim_run_key = null,
    claimed_at = now()
where id = :request_id
  and status not in ('draft', 'cancelled')
  and (:force or status in ('submitted', 'queued', 'failed', 'processing'))
  and not (
      :force
      and processing_started_at is not null
      and processing_started_at >= cast(:run_started_at as timestamptz)
  )
returning id
