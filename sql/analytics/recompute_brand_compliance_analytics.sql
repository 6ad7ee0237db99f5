-- brand_compliance_analytics recomputed from generated_assets for the reconciliation
-- check, written apart from dbt_like_models/brand_compliance_analytics.sql: each
-- image's rules as one JSON array read with jsonpath, counts as sums of case
-- expressions, the violations list built per brand and day by a correlated subquery.
with images as (
    select
        a.brand_profile_id,
        a.organization_id,
        date(timezone('UTC', a.created_at)) as analysis_date,
        a.validation_status,
        a.compliance_score,
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
    where a.created_at >= :partition_start
      and a.created_at < :partition_end
),

judged as (
    select
        images.*,
        validation_status <> 'pending' as scored,
        jsonb_path_exists(
            rule_list, '$[*] ? (@.rule == "palette_adherence" && @.passed == true)'
        ) and not jsonb_path_exists(
            rule_list, '$[*] ? (@.rule == "palette_adherence" && @.passed == false)'
        ) as palette_ok,
        jsonb_path_exists(
            rule_list,
            '$[*] ? ((@.rule == "logo" || @.rule == "logo_present")
                    && exists(@.checks[*] ? (@.check == "present" && @.passed == true)))'
        ) or jsonb_path_exists(
            rule_list,
            '$[*] ? ((@.rule == "logo" || @.rule == "logo_present")
                    && !exists(@.checks) && @.passed == true)'
        ) as logo_seen
    from images
)

select
    brand_profile_id,
    analysis_date,
    organization_id,
    count(*) as total_assets_generated,
    sum(case when validation_status = 'passed' then 1 else 0 end) as assets_passed_compliance,
    sum(case when validation_status in ('passed', 'pending') then 0 else 1 end)
        as assets_failed_compliance,
    round(avg(compliance_score), 2) as average_compliance_score,
    sum(case when scored and logo_seen then 1 else 0 end) as logo_usage_count,
    round(
        sum(case when scored and palette_ok then 1 else 0 end)::numeric
        / nullif(sum(case when scored then 1 else 0 end), 0),
        4
    ) as color_compliance_rate,
    coalesce(
        (
            select jsonb_agg(jsonb_build_object('rule', counted.rule, 'count', counted.n)
                order by counted.n desc, counted.rule)
            from (
                select failed.rule, count(*) as n
                from judged as other
                cross join lateral jsonb_path_query(
                    other.rule_list, '$[*] ? (@.passed == false).rule'
                ) as failed_rule (rule_json)
                cross join lateral (select failed_rule.rule_json #>> '{}' as rule) as failed
                where other.brand_profile_id = judged.brand_profile_id
                  and other.analysis_date = judged.analysis_date
                group by failed.rule
            ) as counted
        ),
        '[]'::jsonb
    ) as common_violations
from judged
group by brand_profile_id, analysis_date, organization_id
