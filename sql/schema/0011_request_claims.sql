-- Claims on content requests name the Dagster run that holds them (issue: recovery is
-- the next run's job, not a timer's). While a request is queued or processing:
--   claim_run_id   the Dagster run that claimed it (the command line knows its run id
--                  before it claims; a sensor's run stamps its id when it starts)
--   claim_run_key  the run key of the sensor's RunRequest that claimed it, until the
--                  run exists and stamps claim_run_id
--   claimed_at     when the claim was made or last stamped
-- All three are null for a request no run holds. A claim whose run is no longer alive
-- is released by the next sensor tick or `socialpipe requests process`
-- (pipeline_defs/recovery.py). Existing rows keep every value; their claims are null.
alter table content_requests
  add column claim_run_id text,
  add column claim_run_key text,
  add column claimed_at timestamptz;

-- the recovery pass reads only the claimed requests
create index content_requests_claimed_idx on content_requests (claim_run_id)
  where status in ('queued', 'processing');
