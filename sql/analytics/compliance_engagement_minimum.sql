-- the minimum images and impressions of a compliance_engagement group with an estimate:
-- the setting analytics/compliance_engagement.minimum, else the model's defaults
select
    coalesce((
        select (setting_value ->> 'images')::integer from system_settings
        where category = 'analytics' and setting_key = 'compliance_engagement.minimum'
    ), 20) as images,
    coalesce((
        select (setting_value ->> 'impressions')::bigint from system_settings
        where category = 'analytics' and setting_key = 'compliance_engagement.minimum'
    ), 5000) as impressions
