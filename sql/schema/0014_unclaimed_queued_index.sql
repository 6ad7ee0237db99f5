-- The stale-claim statement (sql/generation/reclaim_stale_requests.sql): queued
-- requests whose claim names no run, oldest first. A handful of rows at most, so the
-- index stays tiny however long the request table grows.
create index content_requests_unclaimed_queued_idx
  on content_requests (updated_at)
  where status = 'queued' and claim_run_id is null and claim_run_key is null;
