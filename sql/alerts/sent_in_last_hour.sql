-- what the per-hour cap counts: deliveries tried in the hour before now
with tried as (
  select id
  from alert_deliveries
  where created_at > now() - interval '1 hour'
    and status in ('sent', 'failed')
)

select count(*) from tried
