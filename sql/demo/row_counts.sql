-- Rows per table that belong to the demo tenants (system_settings: the demo's own
-- settings), what `socialpipe seed demo` reports after a load.
select
    (select count(*) from users where id = any(:user_ids)) as users,
    (select count(*) from organizations where id = any(:org_ids)) as organizations,
    (select count(*) from user_organizations where organization_id = any(:org_ids))
        as user_organizations,
    (select count(*) from brand_profiles where organization_id = any(:org_ids))
        as brand_profiles,
    (select count(*) from brand_assets where organization_id = any(:org_ids)) as brand_assets,
    (select count(*) from content_templates where organization_id = any(:org_ids))
        as content_templates,
    (select count(*) from approval_workflows where organization_id = any(:org_ids))
        as approval_workflows,
    (select count(*) from content_requests where organization_id = any(:org_ids))
        as content_requests,
    (select count(*) from generated_assets where organization_id = any(:org_ids))
        as generated_assets,
    (select count(*) from content_approvals where organization_id = any(:org_ids))
        as content_approvals,
    (select count(*) from content_analytics where organization_id = any(:org_ids))
        as content_analytics,
    (select count(*) from api_usage where organization_id = any(:org_ids)) as api_usage,
    (select count(*) from user_activity_logs where organization_id = any(:org_ids))
        as user_activity_logs,
    (select count(*) from background_jobs where organization_id = any(:org_ids))
        as background_jobs,
    (select count(*) from system_settings where id = any(:setting_ids)) as system_settings
