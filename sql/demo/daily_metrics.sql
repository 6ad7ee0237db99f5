-- The demo tenants' recorded daily metrics, in the shape of a platform export (the
-- metrics source's fields) and a stable order, so the export is the same on every call.
select
    external_post_id, platform, performance_date as date, impressions, views, likes,
    shares, comments, saves, clicks, published_at
from content_analytics
where organization_id = any(:organization_ids)
  and measurement_period = 'daily'
  and external_post_id is not null
order by performance_date, platform, external_post_id
