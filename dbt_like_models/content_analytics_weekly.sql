-- Weekly rows of content_analytics (measurement_period 'weekly'): one row per image,
-- platform and ISO week (Monday .. Sunday, performance_date = the Monday), the exact sum
-- of that week's daily rows. Rates are recomputed from the sums, never averaged; a
-- week without impressions has null rates. The runner widens the window to whole
-- weeks (yml `period: week`), so a recomputed day rewrites its whole week; a week is
-- written once it is over (its Sunday before today, UTC).

with daily as (

    select
        generated_asset_id,
        organization_id,
        platform,
        date_trunc('week', performance_date)::date as week_start,
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

complete_weeks as (

    select *
    from daily
    where week_start + 7 <= (now() at time zone 'UTC')::date

),

summed as (

    select
        generated_asset_id,
        organization_id,
        platform,
        week_start,
        sum(impressions) as impressions,
        sum(views) as views,
        sum(likes) as likes,
        sum(shares) as shares,
        sum(comments) as comments,
        sum(saves) as saves,
        sum(clicks) as clicks,
        max(external_post_id) as external_post_id,
        max(published_at) as published_at
    from complete_weeks
    group by generated_asset_id, organization_id, platform, week_start

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
        week_start as performance_date,
        'weekly' as measurement_period,
        external_post_id,
        published_at
    from summed

)

select * from final
