-- `socialpipe jobs cancel`: a job that has not started is never claimed once it is
-- cancelled. Only a queued row (lock_job holds it): cancelling a running row would
-- not stop its run.
update background_jobs
set status = 'cancelled', completed_at = now()
where id = :id and status = 'queued'
returning id
