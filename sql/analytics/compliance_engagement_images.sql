-- The images behind compliance_engagement's rows of a window, one row per scored image,
-- platform and complete ISO week: what the bootstrap resamples
-- (assets/analytics/compliance_intervals.py), and the gallery pools over every week. The band and the failed rules are those
-- the model groups by; the interval step checks that the counts agree.
with weekly as (
    select
        m.generated_asset_id,
        m.platform,
        date_trunc('week', m.performance_date)::date as week_start,
        sum(m.impressions) as impressions,
        sum(m.likes + m.shares + m.comments + m.saves) as interactions,
        sum(m.clicks) as clicks
    from content_analytics as m
    where m.measurement_period = 'daily'
      and m.performance_date >= :first_day
      and m.performance_date < :end_day
    group by m.generated_asset_id, m.platform, date_trunc('week', m.performance_date)
),

rule_lists as (
    select
        a.id,
        case jsonb_typeof(a.compliance_details -> 'rules')
            when 'array' then a.compliance_details -> 'rules'
            when 'object' then (
                select jsonb_agg(r.value || jsonb_build_object('rule', coalesce(r.value ->> 'rule', r.key)))
                from jsonb_each(a.compliance_details -> 'rules') as r
                where jsonb_typeof(r.value) = 'object'
            )
            else '[]'::jsonb
        end as rule_list
    from generated_assets as a
    where a.id in (select weekly.generated_asset_id from weekly)
)

select
    a.id::text as generated_asset_id,
    a.organization_id::text as organization_id,
    w.platform,
    w.week_start,
    case
        when a.compliance_score >= 90 then '>=90'
        when a.compliance_score >= 70 then '70-90'
        else '<70'
    end as band,
    coalesce(
        array(
            select distinct failed #>> '{}'
            from jsonb_path_query(
                coalesce(l.rule_list, '[]'::jsonb), '$[*] ? (@.passed == false).rule'
            ) as failed
        ),
        '{}'
    ) as failed_rules,
    w.impressions,
    w.interactions,
    w.clicks
from weekly as w
inner join generated_assets as a on a.id = w.generated_asset_id
left join rule_lists as l on l.id = a.id
where a.compliance_score is not null
  and w.week_start + 7 <= (now() at time zone 'UTC')::date
order by a.organization_id, w.platform, w.week_start, w.generated_asset_id
