-- Template performance, written to content_templates. usage_count: the content
-- requests that used the template (named it, or had an image rendered from it);
-- images_rendered: the images rendered from it. Engagement and click-through are
-- pooled over those images' daily metrics: sum of interactions (clicks) over sum of
-- impressions, so a post seen a million times weighs more than one seen ten times;
-- null until one of them has impressions. Recomputed in full: one row per template.

with templates as (

    select id as template_id
    from content_templates

),

-- the generator records the template it rendered in generation_parameters; the
-- request's template stands in for images made before it did
asset_templates as (

    select
        generated_assets.id as generated_asset_id,
        generated_assets.content_request_id,
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

template_requests as (

    select
        template_id,
        content_request_id
    from asset_templates
    union
    select
        template_id,
        id as content_request_id
    from content_requests
    where template_id is not null

),

usage as (

    select
        template_id,
        count(*) as usage_count
    from template_requests
    group by template_id

),

rendered as (

    select
        template_id,
        count(*) as images_rendered
    from asset_templates
    group by template_id

),

pooled as (

    select
        asset_templates.template_id,
        engagement_rate(
            sum(daily.likes), sum(daily.shares), sum(daily.comments), sum(daily.saves),
            sum(daily.impressions)
        ) as average_engagement_score,
        click_through_rate(sum(daily.clicks), sum(daily.impressions)) as click_through_rate
    from asset_templates
    inner join content_analytics as daily
        on asset_templates.generated_asset_id = daily.generated_asset_id
    where daily.measurement_period = 'daily'
    group by asset_templates.template_id

),

final as (

    select
        templates.template_id as id,
        coalesce(usage.usage_count, 0) as usage_count,
        coalesce(rendered.images_rendered, 0) as images_rendered,
        pooled.average_engagement_score,
        pooled.click_through_rate
    from templates
    left join usage on templates.template_id = usage.template_id
    left join rendered on templates.template_id = rendered.template_id
    left join pooled on templates.template_id = pooled.template_id

)

select * from final
