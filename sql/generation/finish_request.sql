update content_requests
set status = :status,
    status_reason = :status_reason,
    processing_completed_at = now()
where id = :request_id
