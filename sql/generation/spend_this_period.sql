-- What an organization has spent on providers since the start of the current UTC
-- :period ('day' or 'month').
select coalesce(sum(cost_per_request), 0)
from api_usage
where organization_id = :organization_id
  and request_timestamp
    >= date_trunc(cast(:period as text), now() at time zone 'utc') at time zone 'utc'
