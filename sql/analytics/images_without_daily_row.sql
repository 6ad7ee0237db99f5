-- Of the (image, platform, day) triples an export names by generated_asset_id: those
-- whose image exists on that platform and has no daily content_analytics row that day.
with named as (
    select
        cast(ids.id as uuid) as generated_asset_id,
        ids.platform,
        ids.day
    from unnest(
        cast(:ids as text[]), cast(:platforms as text[]), cast(:days as date[])
    ) as ids (id, platform, day)
    where ids.id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
)
select
    named.generated_asset_id,
    named.platform,
    named.day
from named
inner join generated_assets as image
    on image.id = named.generated_asset_id
    and image.platform = named.platform
where not exists (
    select 1
    from content_analytics as daily
    where daily.generated_asset_id = named.generated_asset_id
      and daily.platform = named.platform
      and daily.performance_date = named.day
      and daily.measurement_period = 'daily'
)
