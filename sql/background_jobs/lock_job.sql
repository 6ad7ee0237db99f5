-- The queued job a run is an attempt of, locked while the run's outcome is applied
-- (two sensors reporting the same run apply it once).
select id, status, retry_count, max_retries, error_message, dagster_run_id
from background_jobs
where id = :id
for update
