-- Brand compliance per brand profile and UTC day, over the images generated that day.
-- passed: passed + passed_with_warnings; failed: rejected + needs_review (a person must
-- act before the image can be used); images still pending count in the total only.
-- Re-run a day after late scoring to pick up the new verdicts.
-- compliance_details is the compliance stage's document (assets/compliance/results.py):
-- rules [{rule, value, threshold, weight, passed (true, false, or null: not measured),
-- checks [{check, passed}]}] and violations ["logo.size", "palette_adherence", ...].
-- Documents without checks or a violations list are read from the rules alone.

with generated as (

    select
        id as generated_asset_id,
        brand_profile_id,
        organization_id,
        (created_at at time zone 'UTC')::date as analysis_date,
        validation_status,
        compliance_score,
        compliance_details -> 'rules' as rules,
        compliance_details -> 'violations' as violations
    from generated_assets
    where created_at >= :partition_start
      and created_at < :partition_end

),

-- rules as a list of objects, or as a mapping from rule name to the object
rules as (

    select
        generated.generated_asset_id,
        coalesce(entry.value ->> 'rule', entry.value ->> 'name', entry.key) as rule_name,
        -- null (not measured, or no verdict) is neither a pass nor a violation
        case entry.value -> 'passed'
            when 'true' then true
            when 'false' then false
        end as passed,
        -- the logo rule's "present" check: the logo is in the image, even when too small
        coalesce(
            entry.value -> 'checks' @> '[{"check": "present", "passed": true}]',
            false
        ) as logo_found
    from generated
    cross join lateral (
        select
            null::text as key,
            value
        from jsonb_array_elements(
            case when jsonb_typeof(generated.rules) = 'array' then generated.rules else '[]' end
        )
        union all
        select
            key,
            value
        from jsonb_each(
            case when jsonb_typeof(generated.rules) = 'object' then generated.rules else '{}' end
        )
    ) as entry
    where jsonb_typeof(entry.value) = 'object'

),

asset_verdicts as (

    select
        generated_asset_id,
        -- the logo is in use when it was found, or (older documents) a logo rule passed
        coalesce(
            bool_or(logo_found or passed) filter (where rule_name like 'logo%'), false
        ) as logo_used,
        -- null when the image has no palette / colour rule
        bool_and(passed) filter (where rule_name ~ '^(palette|colou?r)') as colors_compliant
    from rules
    group by generated_asset_id

),

-- the document's own violations list; else each failed rule is one violation
asset_violations as (

    select
        generated.generated_asset_id,
        listed.violation
    from generated
    cross join lateral jsonb_array_elements_text(
        case when jsonb_typeof(generated.violations) = 'array' then generated.violations end
    ) as listed (violation)
    union all
    select
        rules.generated_asset_id,
        rules.rule_name as violation
    from rules
    inner join generated on rules.generated_asset_id = generated.generated_asset_id
    where not rules.passed
      and jsonb_typeof(generated.violations) is distinct from 'array'

),

violations as (

    select
        generated.brand_profile_id,
        generated.analysis_date,
        asset_violations.violation as rule_name,
        count(*) as violation_count
    from asset_violations
    inner join generated on asset_violations.generated_asset_id = generated.generated_asset_id
    group by generated.brand_profile_id, generated.analysis_date, asset_violations.violation

),

ranked_violations as (

    select
        brand_profile_id,
        analysis_date,
        rule_name,
        violation_count,
        row_number() over (
            partition by brand_profile_id, analysis_date
            order by violation_count desc, rule_name
        ) as violation_rank
    from violations

),

common_violations as (

    select
        brand_profile_id,
        analysis_date,
        jsonb_agg(
            jsonb_build_object('rule', rule_name, 'count', violation_count)
            order by violation_rank
        ) as common_violations
    from ranked_violations
    where violation_rank <= 5
    group by brand_profile_id, analysis_date

),

per_brand_day as (

    select
        generated.brand_profile_id,
        generated.organization_id,
        generated.analysis_date,
        count(*) as total_assets_generated,
        count(*) filter (
            where generated.validation_status in ('passed', 'passed_with_warnings')
        ) as assets_passed_compliance,
        count(*) filter (
            where generated.validation_status in ('rejected', 'needs_review')
        ) as assets_failed_compliance,
        round(avg(generated.compliance_score), 2) as average_compliance_score,
        count(*) filter (where asset_verdicts.logo_used) as logo_usage_count,
        round(avg(asset_verdicts.colors_compliant::integer), 4) as color_compliance_rate
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
