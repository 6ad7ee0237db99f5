-- Changes recorded in (:since, :until] to a UTC day that was already over when they
-- were made: the days and analytics assets a recompute_analytics job must redo.
-- api_usage: a call recorded after its day (a late row) -> the day's usage summaries;
-- generated_assets: a regeneration or a new score of an image created on an earlier
-- day (created_at never changes) -> that day's brand compliance, and the templates.
with late_usage as (

    select distinct
        (request_timestamp at time zone 'UTC')::date as day,
        'daily_usage_summaries' as asset
    from api_usage
    where created_at > :since
      and created_at <= :until
      and (request_timestamp at time zone 'UTC')::date < (created_at at time zone 'UTC')::date

),

changed_images as (

    select distinct (created_at at time zone 'UTC')::date as day
    from generated_assets
    where updated_at > :since
      and updated_at <= :until
      and (created_at at time zone 'UTC')::date < (updated_at at time zone 'UTC')::date

),

late_images as (

    select
        changed_images.day,
        models.asset
    from changed_images
    cross join (
        values ('brand_compliance_analytics'), ('template_performance')
    ) as models (asset)

)

select day, asset from late_usage
union
select day, asset from late_images
order by day, asset
