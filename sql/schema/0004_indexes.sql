-- Index strategy (seed § Index Strategy). Unique constraints in 0002 already
-- index their leading columns; these cover the rest. Each says which query it serves.

-- organization-scoped access (row-level security filters every query on it)
create index user_organizations_org_active_idx on user_organizations (organization_id)
  include (user_id, role) where is_active;                      -- active members of an org
create index user_organizations_organization_idx on user_organizations (organization_id)
  include (user_id, role);                                      -- every membership, for admins
create index brand_assets_organization_idx on brand_assets (organization_id);
create index content_templates_organization_idx on content_templates (organization_id);
create index generated_assets_organization_idx on generated_assets (organization_id);
create index asset_variants_organization_idx on asset_variants (organization_id);
create index content_approvals_organization_idx on content_approvals (organization_id);
create index content_analytics_organization_idx on content_analytics (organization_id);
create index brand_compliance_analytics_organization_idx
  on brand_compliance_analytics (organization_id);
create index user_activity_logs_organization_idx on user_activity_logs (organization_id);
create index background_jobs_organization_idx on background_jobs (organization_id);
-- an organization's request list, newest first (the UI's main listing)
create index content_requests_org_created_idx
  on content_requests (organization_id, created_at desc);
-- api_usage by organization over a time range (cost dashboards, budgets)
create index api_usage_org_time_idx on api_usage (organization_id, request_timestamp)
  include (api_provider, response_status, cost_per_request);

-- user activity
create index user_activity_logs_user_time_idx on user_activity_logs (user_id, created_at desc);
create index api_usage_user_idx on api_usage (user_id) where user_id is not null;
create index background_jobs_user_idx on background_jobs (user_id) where user_id is not null;
create index content_requests_requested_by_idx on content_requests (requested_by);
-- who created what: the user-deletion protection and "my resources" views
create index organizations_created_by_idx on organizations (created_by);
create index brand_profiles_created_by_idx on brand_profiles (created_by);
create index brand_assets_created_by_idx on brand_assets (created_by);
create index content_templates_created_by_idx on content_templates (created_by);
create index approval_workflows_created_by_idx on approval_workflows (created_by);

-- brand compliance
create index brand_assets_brand_type_idx on brand_assets (brand_profile_id, asset_type);
create index content_templates_brand_platform_idx
  on content_templates (brand_profile_id, platform);
create index content_requests_brand_idx on content_requests (brand_profile_id, organization_id);
-- a brand's assets of a day with their scores (brand_compliance_analytics), index-only
create index generated_assets_brand_created_idx on generated_assets (brand_profile_id, created_at)
  include (compliance_score, validation_status);

-- time series
create index api_usage_request_time_brin on api_usage using brin (request_timestamp);
create index user_activity_logs_created_brin on user_activity_logs using brin (created_at);
create index daily_usage_summaries_date_idx on daily_usage_summaries (usage_date);
create index content_analytics_date_idx on content_analytics (performance_date);
create index brand_compliance_analytics_date_idx on brand_compliance_analytics (analysis_date);
create index generated_assets_created_idx on generated_assets (created_at);

-- full-text search over request title, description and brief
create index content_requests_search_idx on content_requests using gin (search_vector);

-- partial indexes on active rows
-- the sensor's queue: submitted requests, most urgent first
create index content_requests_submitted_queue_idx
  on content_requests (priority desc, due_date asc nulls last, created_at)
  include (organization_id) where status = 'submitted';
-- active requests by organization and status (dashboards, template protection)
create index content_requests_active_idx on content_requests (organization_id, status)
  where status not in ('completed', 'cancelled', 'failed');
create index content_requests_active_template_idx on content_requests (template_id)
  where template_id is not null and status not in ('completed', 'cancelled', 'failed');
create index content_approvals_pending_approver_idx on content_approvals (approver_id)
  include (content_request_id, step_number) where status = 'pending';
create index content_approvals_pending_delegate_idx on content_approvals (delegated_to)
  where delegated_to is not null and status in ('pending', 'delegated');
create index content_approvals_request_idx on content_approvals (content_request_id, step_number);
create index generated_assets_pending_compliance_idx on generated_assets (created_at)
  where validation_status = 'pending';
create index background_jobs_queue_idx on background_jobs (scheduled_for, priority desc)
  where status = 'queued';

-- foreign keys that set null or protect, so their checks do not scan
create index api_usage_content_request_idx on api_usage (content_request_id)
  where content_request_id is not null;
create index background_jobs_content_request_idx on background_jobs (content_request_id)
  where content_request_id is not null;
create index content_approvals_workflow_idx on content_approvals (workflow_id)
  where workflow_id is not null;
create index content_requests_template_idx on content_requests (template_id, brand_profile_id)
  where template_id is not null;
create index asset_variants_parent_idx on asset_variants (parent_asset_id);
create index content_analytics_external_post_idx on content_analytics (platform, external_post_id);

-- expression indexes on the JSON keys the pipeline filters by
create index content_templates_placement_idx
  on content_templates (platform, (format_specifications ->> 'placement'));
create index api_usage_model_idx on api_usage ((request_parameters ->> 'model'));
create index background_jobs_dagster_run_idx on background_jobs ((parameters ->> 'dagster_run_id'))
  where parameters ? 'dagster_run_id';
create index organizations_image_provider_idx on organizations ((settings ->> 'image_provider'));
