-- Match each staged row to the generated asset the post shows:
-- 1. a post measured before: content_analytics already maps (platform, external_post_id)
--    to its asset (content_analytics_external_post_idx serves the lookup);
-- 2. otherwise the export's generated_asset_id, if that asset exists on that platform
--    (publishing tools carry our id on the post they publish).
-- The same image posted twice on one platform and day keeps the row read last: the
-- table holds one row per image, platform, day and period.
with known_posts as (

    select distinct on (analytics.platform, analytics.external_post_id)
        analytics.platform,
        analytics.external_post_id,
        analytics.generated_asset_id,
        analytics.organization_id
    from content_analytics as analytics
    where (analytics.platform, analytics.external_post_id) in (
        select stage.platform, stage.external_post_id from metrics_stage as stage
    )
    order by analytics.platform, analytics.external_post_id, analytics.performance_date

),

resolved as (

    select
        stage.read_order,
        stage.performance_date,
        coalesce(known.generated_asset_id, named.id) as generated_asset_id,
        coalesce(known.organization_id, named.organization_id) as organization_id,
        case
            when known.generated_asset_id is not null or named.id is not null then null
            when stage.named_asset_id is not null
                then 'generated_asset_id names no ' || stage.platform || ' image'
            else 'post not measured before and no generated_asset_id'
        end as unmatched_reason
    from metrics_stage as stage
    left join known_posts as known
        on stage.platform = known.platform
        and stage.external_post_id = known.external_post_id
    left join generated_assets as named
        on stage.named_asset_id = named.id
        and stage.platform = named.platform

),

latest_per_image as (

    select
        read_order,
        row_number() over (
            partition by generated_asset_id, performance_date order by read_order desc
        ) as newest_first
    from resolved
    where generated_asset_id is not null

)

update metrics_stage as stage
set
    generated_asset_id = case
        when latest.newest_first > 1 then null else resolved.generated_asset_id
    end,
    organization_id = resolved.organization_id,
    unmatched_reason = case
        when latest.newest_first > 1
            then 'another post of the same image on this platform and day'
        else resolved.unmatched_reason
    end
from resolved
left join latest_per_image as latest on resolved.read_order = latest.read_order
where stage.read_order = resolved.read_order
