-- The window's daily content_analytics rows, for the reconciliation with the exports.
select
    platform,
    external_post_id,
    performance_date,
    generated_asset_id,
    organization_id,
    impressions,
    views,
    likes,
    shares,
    comments,
    saves,
    clicks,
    engagement_rate,
    click_through_rate
from content_analytics
where measurement_period = 'daily'
  and performance_date >= :first_day
  and performance_date < :end_day
order by platform, external_post_id, performance_date
