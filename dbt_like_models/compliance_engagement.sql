-- Does brand compliance pay? Per organization, platform and ISO week (dated on the
-- Monday), the images measured that week grouped two ways: by compliance band (score
-- below 70, 70 to below 90, 90 and over) and by each rule they failed. Each group's
-- engagement and click-through are pooled (sums over sums, never an average of
-- rates) and set against the organization's platform baseline that week: every
-- scored image measured there. A group with fewer images or impressions than the
-- minimums (system setting analytics/compliance_engagement.minimum, else 20 images
-- and 5000 impressions) is 'too_few': its differences are null, never a number. The
-- interval columns are null here: the model's python step
-- (assets/analytics/compliance_intervals.py) fills them in the same transaction, with
-- a seeded bootstrap SQL cannot do. Written once the week is over.

with minimums as (

    select
        coalesce((
            select (setting_value ->> 'images')::integer
            from system_settings
            where category = 'analytics' and setting_key = 'compliance_engagement.minimum'
        ), 20) as images,
        coalesce((
            select (setting_value ->> 'impressions')::bigint
            from system_settings
            where category = 'analytics' and setting_key = 'compliance_engagement.minimum'
        ), 5000) as impressions

),

daily as (

    select
        generated_asset_id,
        platform,
        date_trunc('week', performance_date)::date as week_start,
        impressions,
        likes + shares + comments + saves as interactions,
        clicks
    from content_analytics
    where measurement_period = 'daily'
      and performance_date >= (:partition_start at time zone 'UTC')::date
      and performance_date < (:partition_end at time zone 'UTC')::date

),

complete_weeks as (

    select *
    from daily
    where week_start + 7 <= (now() at time zone 'UTC')::date

),

-- one row per scored image, platform and week: its week's sums and its band
image_weeks as (

    select
        complete_weeks.generated_asset_id,
        generated_assets.organization_id,
        complete_weeks.platform,
        complete_weeks.week_start,
        case
            when generated_assets.compliance_score < 70 then '<70'
            when generated_assets.compliance_score < 90 then '70-90'
            else '>=90'
        end as band,
        sum(complete_weeks.impressions) as impressions,
        sum(complete_weeks.interactions) as interactions,
        sum(complete_weeks.clicks) as clicks
    from complete_weeks
    inner join generated_assets on complete_weeks.generated_asset_id = generated_assets.id
    where generated_assets.compliance_score is not null
    group by
        complete_weeks.generated_asset_id,
        generated_assets.organization_id,
        complete_weeks.platform,
        complete_weeks.week_start,
        generated_assets.compliance_score

),

-- the rules each image failed: rules as a list of objects, or a mapping name -> rule
failed_rules as (

    select distinct
        generated_assets.id as generated_asset_id,
        coalesce(entry.value ->> 'rule', entry.key) as rule_name
    from generated_assets
    cross join lateral (
        select
            null::text as key,
            value
        from jsonb_array_elements(
            case
                when jsonb_typeof(generated_assets.compliance_details -> 'rules') = 'array'
                    then generated_assets.compliance_details -> 'rules'
                else '[]'
            end
        ) as elements (value)  -- named, so the column lineage can follow `value`
        union all
        select
            key,
            value
        from jsonb_each(
            case
                when jsonb_typeof(generated_assets.compliance_details -> 'rules') = 'object'
                    then generated_assets.compliance_details -> 'rules'
                else '{}'
            end
        ) as pairs (key, value)
    ) as entry
    where jsonb_typeof(entry.value) = 'object'
      and entry.value -> 'passed' = 'false'
      and generated_assets.id in (select image_weeks.generated_asset_id from image_weeks)

),

grouped as (

    select
        organization_id,
        platform,
        week_start,
        'band' as group_kind,
        band as group_name,
        count(*) as images,
        sum(impressions) as impressions,
        sum(interactions) as interactions,
        sum(clicks) as clicks
    from image_weeks
    group by organization_id, platform, week_start, band
    union all
    select
        image_weeks.organization_id,
        image_weeks.platform,
        image_weeks.week_start,
        'failed_rule' as group_kind,
        failed_rules.rule_name as group_name,
        count(*) as images,
        sum(image_weeks.impressions) as impressions,
        sum(image_weeks.interactions) as interactions,
        sum(image_weeks.clicks) as clicks
    from image_weeks
    inner join failed_rules on image_weeks.generated_asset_id = failed_rules.generated_asset_id
    group by image_weeks.organization_id, image_weeks.platform, image_weeks.week_start,
        failed_rules.rule_name

),

baselines as (

    select
        organization_id,
        platform,
        week_start,
        count(*) as images,
        sum(impressions) as impressions,
        round(sum(interactions) / nullif(sum(impressions), 0), 6) as engagement_rate,
        round(sum(clicks) / nullif(sum(impressions), 0), 6) as click_through_rate
    from image_weeks
    group by organization_id, platform, week_start

),

rated as (

    select
        grouped.*,
        round(grouped.interactions / nullif(grouped.impressions, 0), 6) as engagement_rate,
        round(grouped.clicks / nullif(grouped.impressions, 0), 6) as click_through_rate,
        baselines.images as baseline_images,
        baselines.impressions as baseline_impressions,
        baselines.engagement_rate as baseline_engagement_rate,
        baselines.click_through_rate as baseline_click_through_rate,
        case
            when grouped.images < minimums.images
                or grouped.impressions < minimums.impressions
                or grouped.impressions = 0
                then 'too_few'
            else 'estimated'
        end as evidence
    from grouped
    inner join baselines
        on grouped.organization_id = baselines.organization_id
        and grouped.platform = baselines.platform
        and grouped.week_start = baselines.week_start
    cross join minimums

),

final as (

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
        case
            when evidence = 'estimated' then engagement_rate - baseline_engagement_rate
        end as engagement_rate_difference,
        case
            when evidence = 'estimated' then click_through_rate - baseline_click_through_rate
        end as click_through_rate_difference,
        null::numeric as difference_low,
        null::numeric as difference_high,
        null::integer as resamples
    from rated

)

select * from final
