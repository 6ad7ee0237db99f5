-- A request's generation ends (generated or failed): no run holds it any more.
update content_requests
set status = :status,
    status_reason = :status_reason,
    processing_completed_at = now(),
    claim_run_id = null,
    claim_run_key = null,
    claimed_at = null
where id = :request_id
