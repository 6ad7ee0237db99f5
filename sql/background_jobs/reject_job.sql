-- A claimed row that cannot become a run (unknown job_type, bad parameters, ids of
-- another tenant): failed at once with the reason, and never retried. Only the attempt
-- just claimed: a row settled or re-queued meanwhile is left as it is.
update background_jobs
set status = 'failed', error_message = :error_message, completed_at = now()
where id = :id and status = 'running' and retry_count = :attempt
