-- Queued requests and the claim on each: the recovery pass decides which claims'
-- runs are gone.
select id, claim_run_id, claim_run_key, claimed_at, updated_at
from content_requests
where status = 'queued'
order by id
