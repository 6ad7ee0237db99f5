-- content_templates' performance columns recomputed for the reconciliation check,
-- written apart from dbt_like_models/template_performance.sql: correlated subqueries
-- per template, rates as plain divisions of pooled sums.
with rendered_from as (
    select
        a.id as asset_id,
        a.content_request_id,
        case
            when a.generation_parameters ->> 'template_id'
                ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                then lower(a.generation_parameters ->> 'template_id')
            else r.template_id::text
        end as template_text
    from generated_assets as a
    inner join content_requests as r on r.id = a.content_request_id
),

pooled as (
    select
        f.template_text,
        sum(m.impressions) as impressions,
        sum(m.likes) + sum(m.shares) + sum(m.comments) + sum(m.saves) as interactions,
        sum(m.clicks) as clicks
    from rendered_from as f
    inner join content_analytics as m
        on m.generated_asset_id = f.asset_id and m.measurement_period = 'daily'
    group by f.template_text
)

select
    t.id,
    (
        select count(*)
        from content_requests as r
        where r.template_id = t.id
           or r.id in (select f.content_request_id from rendered_from as f
                       where f.template_text = t.id::text)
    ) as usage_count,
    (select count(*) from rendered_from as f where f.template_text = t.id::text)
        as images_rendered,
    round(p.interactions::numeric / nullif(p.impressions, 0), 6) as average_engagement_score,
    round(p.clicks::numeric / nullif(p.impressions, 0), 6) as click_through_rate
from content_templates as t
left join pooled as p on p.template_text = t.id::text
