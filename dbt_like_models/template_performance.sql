-- Template performance, written to content_templates: how many images were rendered
-- from each template (usage_count) and how those images engage on the platforms
-- (average_engagement_score: the mean over the template's images of each image's
-- engagement rate, interactions / impressions over all its daily metrics; null
-- until one of them has impressions). Recomputed in full: one row per template.

with templates as (

    select id as template_id
    from content_templates

),

-- the generator records the template it rendered in generation_parameters; the
-- request's template stands in for images made before it did
asset_templates as (

    select
        generated_assets.id as generated_asset_id,
        coalesce(
            case
                when generated_assets.generation_parameters ->> 'template_id'
                    ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                    then (generated_assets.generation_parameters ->> 'template_id')::uuid
            end,
            content_requests.template_id
        ) as template_id
    from generated_assets
    inner join content_requests on generated_assets.content_request_id = content_requests.id

),

usage as (

    select
        template_id,
        count(*) as usage_count
    from asset_templates
    group by template_id

),

asset_engagement as (

    select
        generated_asset_id,
        sum(likes + shares + comments + saves)::numeric / nullif(sum(impressions), 0)
            as engagement_rate
    from content_analytics
    where measurement_period = 'daily'
    group by generated_asset_id

),

engagement as (

    select
        asset_templates.template_id,
        round(avg(asset_engagement.engagement_rate), 6) as average_engagement_score
    from asset_templates
    inner join asset_engagement
        on asset_templates.generated_asset_id = asset_engagement.generated_asset_id
    group by asset_templates.template_id

),

final as (

    select
        templates.template_id as id,
        coalesce(usage.usage_count, 0) as usage_count,
        engagement.average_engagement_score
    from templates
    left join usage on templates.template_id = usage.template_id
    left join engagement on templates.template_id = engagement.template_id

)

select * from final
