-- A sensor's batch, claimed (same transaction): the run key of the RunRequest that will process it, so
-- that the claim is released if that run never starts or dies before stamping its id.
update content_requests
set claim_run_key = :run_key
where id = any(cast(:request_ids as uuid []))
  and status = 'queued'
  and claim_run_id is null
