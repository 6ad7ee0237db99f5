-- What an organization has spent on providers since the start of the current UTC
-- :period ('day' or 'month'), one row per currency: amounts in different currencies
-- are never added here (assets/generation/ledger.py converts them, or refuses).
select
    currency,
    sum(cost_per_request) as spent
from api_usage
where organization_id = :organization_id
  and request_timestamp
    >= date_trunc(cast(:period as text), now() at time zone 'utc') at time zone 'utc'
group by currency
order by currency
