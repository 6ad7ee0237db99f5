-- Take one request for processing. A run launched by the sensor processes only what is
-- waiting (submitted, queued, failed); a re-run by hand (force) also regenerates finished
-- work. Drafts and cancelled requests are never generated, and a request another run
-- is processing is left alone unless that run has clearly died.
update content_requests
set status = 'processing',
    status_reason = null,
    processing_started_at = now(),
    processing_completed_at = null
where id = :request_id
  and status not in ('draft', 'cancelled')
  and (:force or status in ('submitted', 'queued', 'failed'))
  and (status <> 'processing' or processing_started_at < now() - interval '30 minutes')
returning id
