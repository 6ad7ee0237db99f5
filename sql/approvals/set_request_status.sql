update content_requests
set status = :status,
    status_reason = :status_reason
where id = :request_id
