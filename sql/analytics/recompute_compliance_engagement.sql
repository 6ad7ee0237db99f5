-- compliance_engagement recomputed for the reconciliation check, written apart from
-- dbt_like_models/compliance_engagement.sql: each image's week from a window function,
-- the failed rules read with jsonpath, the minimums read per row, the baseline joined
-- from a second pass over the same image weeks, rates as plain divisions.
with image_days as (
    select
        m.generated_asset_id,
        a.organization_id,
        m.platform,
        m.performance_date - (extract(isodow from m.performance_date)::int - 1) as week_start,
        a.compliance_score,
        a.compliance_details -> 'rules' as rules,
        m.impressions,
        m.likes + m.shares + m.comments + m.saves as interactions,
        m.clicks
    from content_analytics as m
    inner join generated_assets as a on a.id = m.generated_asset_id
    where m.measurement_period = 'daily'
      and a.compliance_score is not null
      and m.performance_date >= date(timezone('UTC', :partition_start))
      and m.performance_date < date(timezone('UTC', :partition_end))
),

image_weeks as (
    select distinct on (generated_asset_id, platform, week_start)
        generated_asset_id,
        organization_id,
        platform,
        week_start,
        compliance_score,
        rules,
        sum(impressions) over w as impressions,
        sum(interactions) over w as interactions,
        sum(clicks) over w as clicks
    from image_days
    where week_start <= date(timezone('UTC', now())) - 7
    window w as (partition by generated_asset_id, platform, week_start)
),

memberships as (
    select
        i.*,
        'band' as group_kind,
        case
            when i.compliance_score >= 90 then '>=90'
            when i.compliance_score >= 70 then '70-90'
            else '<70'
        end as group_name
    from image_weeks as i
    union all
    select
        i.*,
        'failed_rule' as group_kind,
        failed.rule_name
    from image_weeks as i
    cross join lateral (
        select distinct coalesce(r.value ->> 'rule', r.key) as rule_name
        from jsonb_each(case when jsonb_typeof(i.rules) = 'object' then i.rules else '{}' end) as r
        where r.value @> '{"passed": false}'
        union
        select distinct e ->> 'rule'
        from jsonb_array_elements(case when jsonb_typeof(i.rules) = 'array' then i.rules else '[]' end) as e
        where e @> '{"passed": false}'
    ) as failed
),

groups as (
    select
        organization_id,
        platform,
        week_start,
        group_kind,
        group_name,
        count(*) as images,
        sum(impressions) as impressions,
        sum(interactions) as interactions,
        sum(clicks) as clicks
    from memberships
    group by 1, 2, 3, 4, 5
),

baseline as (
    select
        organization_id,
        platform,
        week_start,
        count(*) as images,
        sum(impressions) as impressions,
        sum(interactions) as interactions,
        sum(clicks) as clicks
    from image_weeks
    group by 1, 2, 3
),

setting as (
    select setting_value from system_settings
    where category = 'analytics' and setting_key = 'compliance_engagement.minimum'
),

judged as (
    select
        g.*,
        round(g.interactions::numeric / nullif(g.impressions, 0), 6) as engagement_rate,
        round(g.clicks::numeric / nullif(g.impressions, 0), 6) as click_through_rate,
        b.images as baseline_images,
        b.impressions as baseline_impressions,
        round(b.interactions::numeric / nullif(b.impressions, 0), 6) as baseline_engagement_rate,
        round(b.clicks::numeric / nullif(b.impressions, 0), 6) as baseline_click_through_rate,
        case
            when g.impressions > 0
                and g.images >= coalesce((select (setting_value ->> 'images')::int from setting), 20)
                and g.impressions >= coalesce((select (setting_value ->> 'impressions')::bigint from setting), 5000)
                then 'estimated'
            else 'too_few'
        end as evidence
    from groups as g
    inner join baseline as b using (organization_id, platform, week_start)
)

select
    organization_id,
    platform,
    week_start,
    group_kind,
    group_name,
    images,
    impressions,
    interactions,
    clicks,
    engagement_rate,
    click_through_rate,
    baseline_images,
    baseline_impressions,
    baseline_engagement_rate,
    baseline_click_through_rate,
    evidence,
    case when evidence = 'estimated' then engagement_rate - baseline_engagement_rate end
        as engagement_rate_difference,
    case when evidence = 'estimated' then click_through_rate - baseline_click_through_rate end
        as click_through_rate_difference
from judged
