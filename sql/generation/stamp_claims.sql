-- A generation run starts: the queued requests it was launched for now name it, so
-- that if it dies they are released at once (a sensor claims before the run exists).
update content_requests
set claim_run_id = :run_id,
    claim_run_key = null,
    claimed_at = now()
where id = any(cast(:request_ids as uuid []))
  and status = 'queued'
