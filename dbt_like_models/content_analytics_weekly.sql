-- Weekly rows of content_analytics (measurement_period 'weekly'): for each image,
-- platform and day, the seven days ending that day, summed from the daily rows that
-- the content_analytics asset ingests. Rates are recomputed from the sums, never
-- averaged; a week without impressions has null rates.

with days as (

    select day::date as performance_date
    from generate_series(
        (:partition_start at time zone 'UTC')::date,
        (:partition_end at time zone 'UTC')::date - 1,
        interval '1 day'
    ) as day

),

daily as (

    select
        generated_asset_id,
        organization_id,
        platform,
        performance_date,
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
      and performance_date > (:partition_start at time zone 'UTC')::date - 7
      and performance_date < (:partition_end at time zone 'UTC')::date

),

trailing_week as (

    select
        days.performance_date,
        daily.generated_asset_id,
        daily.organization_id,
        daily.platform,
        daily.impressions,
        daily.views,
        daily.likes,
        daily.shares,
        daily.comments,
        daily.saves,
        daily.clicks,
        daily.external_post_id,
        daily.published_at
    from days
    inner join daily
        on daily.performance_date between days.performance_date - 6 and days.performance_date

),

summed as (

    select
        generated_asset_id,
        organization_id,
        platform,
        performance_date,
        sum(impressions) as impressions,
        sum(views) as views,
        sum(likes) as likes,
        sum(shares) as shares,
        sum(comments) as comments,
        sum(saves) as saves,
        sum(clicks) as clicks,
        max(external_post_id) as external_post_id,
        max(published_at) as published_at
    from trailing_week
    group by generated_asset_id, organization_id, platform, performance_date

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
        performance_date,
        'weekly' as measurement_period,
        external_post_id,
        published_at
    from summed

)

select * from final
