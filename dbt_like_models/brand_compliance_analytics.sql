-- Brand compliance per brand profile and UTC day, over the images created that day
-- (generated_assets.created_at: a regeneration keeps it, so an image never moves day).
-- passed: every measured rule passed (validation_status 'passed'); failed: at least one
-- rule failed, whatever the enforcement level let through (passed_with_warnings,
-- needs_review, rejected); images still pending are in neither, only in the total.
-- compliance_details is the compliance stage's document (assets/compliance/results.py):
-- rules [{rule, value, threshold, weight, passed (true, false, or null: not measured),
-- checks [{check, passed}]}]; older documents hold rules as a mapping name -> rule.
-- The palette rule is palette_adherence, the logo rule logo (older: logo_present).

with generated as (

    select
        id as generated_asset_id,
        brand_profile_id,
        organization_id,
        (created_at at time zone 'UTC')::date as analysis_date,
        validation_status,
        validation_status <> 'pending' as scored,
        compliance_score,
        compliance_details -> 'rules' as rules
    from generated_assets
    where created_at >= :partition_start
      and created_at < :partition_end

),

-- rules as a list of objects, or as a mapping from rule name to the object
rules as (

    select
        generated.generated_asset_id,
        coalesce(entry.value ->> 'rule', entry.key) as rule_name,
        -- null (not measured, or no verdict) is neither a pass nor a failure
        case entry.value -> 'passed'
            when 'true' then true
            when 'false' then false
        end as passed,
        -- the logo rule's "present" check: the logo is in the image, even when too small
        entry.value -> 'checks' @> '[{"check": "present", "passed": true}]' as logo_present
    from generated
    cross join lateral (
        select
            null::text as key,
            value
        from jsonb_array_elements(
            case when jsonb_typeof(generated.rules) = 'array' then generated.rules else '[]' end
        ) as elements (value)  -- named, so the column lineage can follow `value`
        union all
        select
            key,
            value
        from jsonb_each(
            case when jsonb_typeof(generated.rules) = 'object' then generated.rules else '{}' end
        ) as pairs (key, value)
    ) as entry
    where jsonb_typeof(entry.value) = 'object'

),

asset_verdicts as (

    select
        generated_asset_id,
        -- found by the logo rule's "present" check; documents without checks: the rule
        -- passed (the rule is "logo"; older documents call it "logo_present")
        coalesce(
            bool_or(coalesce(logo_present, passed))
                filter (where rule_name in ('logo', 'logo_present')),
            false
        ) as logo_found,
        coalesce(bool_and(passed) filter (where rule_name = 'palette_adherence'), false)
            as palette_passed
    from rules
    group by generated_asset_id

),

violations as (

    select
        generated.brand_profile_id,
        generated.analysis_date,
        rules.rule_name,
        count(*) as violation_count
    from rules
    inner join generated on rules.generated_asset_id = generated.generated_asset_id
    where rules.passed = false
    group by generated.brand_profile_id, generated.analysis_date, rules.rule_name

),

common_violations as (

    select
        brand_profile_id,
        analysis_date,
        jsonb_agg(
            jsonb_build_object('rule', rule_name, 'count', violation_count)
            order by violation_count desc, rule_name
        ) as common_violations
    from violations
    group by brand_profile_id, analysis_date

),

per_brand_day as (

    select
        generated.brand_profile_id,
        generated.organization_id,
        generated.analysis_date,
        count(*) as total_assets_generated,
        count(*) filter (where generated.validation_status = 'passed')
            as assets_passed_compliance,
        count(*) filter (
            where generated.validation_status in ('passed_with_warnings', 'needs_review', 'rejected')
        ) as assets_failed_compliance,
        round(avg(generated.compliance_score), 2) as average_compliance_score,
        count(*) filter (where generated.scored and asset_verdicts.logo_found)
            as logo_usage_count,
        round(
            (count(*) filter (where generated.scored and asset_verdicts.palette_passed))::numeric
            / nullif(count(*) filter (where generated.scored), 0),
            4
        ) as color_compliance_rate
    from generated
    left join asset_verdicts on generated.generated_asset_id = asset_verdicts.generated_asset_id
    group by generated.brand_profile_id, generated.organization_id, generated.analysis_date

),

final as (

    select
        per_brand_day.brand_profile_id,
        per_brand_day.organization_id,
        per_brand_day.analysis_date,
        per_brand_day.total_assets_generated,
        per_brand_day.assets_passed_compliance,
        per_brand_day.assets_failed_compliance,
        per_brand_day.average_compliance_score,
        per_brand_day.logo_usage_count,
        per_brand_day.color_compliance_rate,
        coalesce(common_violations.common_violations, '[]') as common_violations
    from per_brand_day
    left join common_violations
        on per_brand_day.brand_profile_id = common_violations.brand_profile_id
        and per_brand_day.analysis_date = common_violations.analysis_date

)

select * from final
