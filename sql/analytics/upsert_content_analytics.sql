-- The matched rows as content_analytics daily rows. An upsert, not delete-then-insert:
-- a day whose export has not arrived (or lists only some posts) keeps what is loaded.
-- Rows whose figures are unchanged are not rewritten.
insert into content_analytics (
  generated_asset_id, organization_id, platform, impressions, views, likes, shares, comments,
  saves, clicks, engagement_rate, click_through_rate, performance_date, measurement_period,
  external_post_id, published_at
)
select
    generated_asset_id,
    organization_id,
    platform,
    impressions,
    views,
    likes,
    shares,
    comments,
    saves,
    clicks,
    -- sql/schema/0007_engagement_rates.sql: null without impressions
    engagement_rate(likes, shares, comments, saves, impressions),
    click_through_rate(clicks, impressions),
    performance_date,
    'daily',
    external_post_id,
    published_at
from metrics_stage
where generated_asset_id is not null
on conflict (generated_asset_id, platform, performance_date, measurement_period) do update
set
    impressions = excluded.impressions,
    views = excluded.views,
    likes = excluded.likes,
    shares = excluded.shares,
    comments = excluded.comments,
    saves = excluded.saves,
    clicks = excluded.clicks,
    engagement_rate = excluded.engagement_rate,
    click_through_rate = excluded.click_through_rate,
    external_post_id = excluded.external_post_id,
    published_at = coalesce(excluded.published_at, content_analytics.published_at)
where (
    content_analytics.impressions, content_analytics.views, content_analytics.likes,
    content_analytics.shares, content_analytics.comments, content_analytics.saves,
    content_analytics.clicks, content_analytics.engagement_rate,
    content_analytics.click_through_rate, content_analytics.external_post_id,
    content_analytics.published_at
) is distinct from (
    excluded.impressions, excluded.views, excluded.likes, excluded.shares, excluded.comments,
    excluded.saves, excluded.clicks, excluded.engagement_rate, excluded.click_through_rate,
    excluded.external_post_id, coalesce(excluded.published_at, content_analytics.published_at)
)
returning (xmax = 0) as inserted
