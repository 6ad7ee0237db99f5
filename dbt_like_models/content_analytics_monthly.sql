-- Monthly rows of content_analytics (measurement_period 'monthly'): one row per image,
-- platform and calendar month (performance_date = the 1st), the exact sum of that
-- month's daily rows. Rates are recomputed from the sums, never averaged; a month
-- without impressions has null rates. The runner widens the window to whole months
-- (yml `period: month`), so a recomputed day rewrites its whole month; a month is
-- written once it is over (its last day before today, UTC).

with daily as (

    select
        generated_asset_id,
        organization_id,
        platform,
        date_trunc('month', performance_date)::date as month_start,
        impressions,
        views,
        likes,
        shares,
        comments,
        saves,
        clicks,
        external_post_id,
        published_at
    from content_analytics
    where measurement_period = 'daily'
      and performance_date >= (:partition_start at time zone 'UTC')::date
      and performance_date < (:partition_end at time zone 'UTC')::date

),

complete_months as (

    select *
    from daily
    where (month_start + interval '1 month')::date <= (now() at time zone 'UTC')::date

),

summed as (

    select
        generated_asset_id,
        organization_id,
        platform,
        month_start,
        sum(impressions) as impressions,
        sum(views) as views,
        sum(likes) as likes,
        sum(shares) as shares,
        sum(comments) as comments,
        sum(saves) as saves,
        sum(clicks) as clicks,
        max(external_post_id) as external_post_id,
        max(published_at) as published_at
    from complete_months
    group by generated_asset_id, organization_id, platform, month_start

),

final as (

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
        engagement_rate(likes, shares, comments, saves, impressions) as engagement_rate,
        click_through_rate(clicks, impressions) as click_through_rate,
        month_start as performance_date,
        'monthly' as measurement_period,
        external_post_id,
        published_at
    from summed

)

select * from final
