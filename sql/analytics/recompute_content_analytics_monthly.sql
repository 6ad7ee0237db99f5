-- content_analytics monthly rows recomputed from the daily rows for the reconciliation
-- check, written apart from dbt_like_models/content_analytics_monthly.sql: the month
-- from make_date, rates as plain divisions. The window is whole months; a month is
-- complete once its last day is before today (UTC).
with days as (
    select
        d.*,
        make_date(
            extract(year from d.performance_date)::integer,
            extract(month from d.performance_date)::integer,
            1
        ) as first_of_month
    from content_analytics as d
    where d.measurement_period = 'daily'
      and d.performance_date >= date(timezone('UTC', :partition_start))
      and d.performance_date < date(timezone('UTC', :partition_end))
)
select
    generated_asset_id,
    platform,
    first_of_month as performance_date,
    'monthly' as measurement_period,
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
where (first_of_month + interval '1 month' - interval '1 day')::date
    < date(timezone('UTC', now()))
group by generated_asset_id, platform, first_of_month, organization_id
