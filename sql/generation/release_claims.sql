-- Give requests whose run is gone back to the queue (submitted), saying why:
--   queued ones named by the caller (their run is no longer alive), and
--   every processing one whose request lock nobody holds: the lock is held from
--   start_processing.sql to finish_request.sql by a live connection, so a free lock
--   means the run that took it died (or the row was written with no run at all).
-- The transaction-level try-lock is released at commit; a held lock skips the row.
with released as (
    update content_requests
    set status = 'submitted',
        status_reason = case
            when status = 'queued'
                then 'released: run ' || coalesce(claim_run_id, claim_run_key, '(none)')
                     || ' that claimed it is no longer alive'
            else 'released: run ' || coalesce(claim_run_id, '(none)')
                 || ' stopped while generating it'
        end,
        claim_run_id = null,
        claim_run_key = null,
        claimed_at = null
    where status in ('queued', 'processing')
      -- a case, so that the lock is only ever tried on processing rows
      and case
          when status = 'queued' then id = any(cast(:queued_ids as uuid []))
          else pg_try_advisory_xact_lock(:lock_namespace, hashtext(cast(id as text)))
      end
    returning id, organization_id, status_reason
)

select id, organization_id, status_reason from released
order by id
