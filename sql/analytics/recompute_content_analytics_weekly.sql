-- content_analytics weekly rows recomputed from the daily rows for the reconciliation
-- check, written apart from dbt_like_models/content_analytics_weekly.sql: the week's
-- Monday from the ISO day of the week, rates as plain divisions. The window is
-- whole weeks; a week is complete once its Sunday is before today (UTC).
with days as (
    select
        d.*,
        d.performance_date - (extract(isodow from d.performance_date)::integer - 1) as monday
    from content_analytics as d
    where d.measurement_period = 'daily'
      and d.performance_date >= date(timezone('UTC', :partition_start))
      and d.performance_date < date(timezone('UTC', :partition_end))
)
select
    generated_asset_id,
    platform,
    monday as performance_date,
    'weekly' as measurement_period,
    organization_id,
    sum(impressions) as impressions,
    sum(views) as views,
    sum(likes) as likes,
    sum(shares) as shares,
    sum(comments) as comments,
    sum(saves) as saves,
    sum(clicks) as clicks,
    round(
        sum(likes + shares + comments + saves)::numeric / nullif(sum(impressions), 0), 6
    ) as engagement_rate,
    round(sum(clicks)::numeric / nullif(sum(impressions), 0), 6) as click_through_rate,
    max(external_post_id) as external_post_id,
    max(published_at) as published_at
from days
where monday + 6 < date(timezone('UTC', now()))
group by generated_asset_id, platform, monday, organization_id
