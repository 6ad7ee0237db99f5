-- The 18 tables of the entity-relationship design (shared/seed), every column
-- with its type. Added columns, each for a reason given beside it:
--   updated_at            on mutable tables, kept by a trigger (0003)
--   organization_id       on child tables, so row-level security is one
--                         indexable comparison; filled from the parent by a
--                         trigger and pinned to it by a composite foreign key
--   status_reason         why a request failed or was flagged
--   search_vector         generated tsvector for full-text search
--   freepik_image_kind    whether freepik_image_id is an AI task or a stock resource
--   generation_parameters seed, model and styling, to reproduce an image exactly
--   placement, file_size_bytes on asset_variants: which placement, how big
-- Closed vocabularies are listed once, in docs/SCHEMA.md; a test keeps the two equal.
-- Foreign keys that protect (created_by, requested_by) are "no action": checked at
-- the end of the statement, so a cascade that removes both sides still succeeds.

create table users (
  id uuid primary key default gen_random_uuid(),
  email varchar(320) not null,
  username varchar(64) not null,
  password_hash varchar(255),
  first_name varchar(100),
  last_name varchar(100),
  role varchar(16) not null default 'user'
    check (role in ('admin', 'user', 'service')),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  metadata jsonb not null default '{}'
    check (jsonb_typeof(metadata) = 'object'),
  constraint users_email_format_check check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  constraint users_username_format_check check (username ~ '^[A-Za-z0-9_.-]{2,64}$')
);
-- case-insensitive: 'Ann@Example.com' and 'ann@example.com' are one person
create unique index users_email_lower_key on users (lower(email));
create unique index users_username_lower_key on users (lower(username));

create table organizations (
  id uuid primary key default gen_random_uuid(),
  name varchar(200) not null,
  slug varchar(100) not null unique
    check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  description text,
  industry varchar(100),
  website_url varchar(500),
  logo_url varchar(1000),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  settings jsonb not null default '{}'
    check (jsonb_typeof(settings) = 'object')
);

create table user_organizations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  organization_id uuid not null references organizations (id) on delete cascade,
  role varchar(32) not null default 'viewer'
    check (role in ('owner', 'admin', 'brand_manager', 'editor', 'approver', 'viewer')),
  is_active boolean not null default true,
  joined_at timestamptz not null default now(),
  unique (user_id, organization_id)
);

create table brand_profiles (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  name varchar(200) not null,
  primary_color varchar(7) check (is_hex_color(primary_color)),
  secondary_color varchar(7) check (is_hex_color(secondary_color)),
  accent_color varchar(7) check (is_hex_color(accent_color)),
  color_palette jsonb not null default '[]'
    check (is_color_palette(color_palette)),
  primary_font varchar(200),
  secondary_font varchar(200),
  logo_primary_url varchar(1000),
  brand_voice_tone text,
  enforcement_level varchar(16) not null default 'moderate'
    check (enforcement_level in ('strict', 'moderate', 'lenient')),
  minimum_compliance_score numeric(5, 2) not null default 70
    check (minimum_compliance_score between 0 and 100),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, name),
  -- target of the composite keys that pin a child row to its brand's organization
  unique (id, organization_id)
);

create table brand_assets (
  id uuid primary key default gen_random_uuid(),
  brand_profile_id uuid not null,
  organization_id uuid not null,
  name varchar(200) not null,
  asset_type varchar(32) not null
    check (asset_type in ('logo', 'icon', 'font', 'image', 'pattern', 'guideline', 'other')),
  file_path varchar(1000),
  file_url varchar(1000),
  file_size_bytes integer check (file_size_bytes >= 0),
  dimensions jsonb check (jsonb_typeof(dimensions) = 'object'),
  usage_context text[] not null default '{}',
  platform_variants jsonb not null default '{}',
  usage_count integer not null default 0 check (usage_count >= 0),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  tags text[] not null default '{}',
  foreign key (brand_profile_id, organization_id)
    references brand_profiles (id, organization_id) on delete cascade
);

create table content_templates (
  id uuid primary key default gen_random_uuid(),
  brand_profile_id uuid not null,
  organization_id uuid not null,
  name varchar(200) not null,
  template_type varchar(32) not null
    check (template_type in ('post', 'story', 'ad', 'banner', 'thumbnail', 'pin', 'cover')),
  -- platforms are data (placements file, overridable in system_settings), not a closed list
  platform varchar(32) not null check (platform ~ '^[a-z0-9_]+$'),
  format_specifications jsonb not null default '{}'
    check (jsonb_typeof(format_specifications) = 'object'),
  layout_config jsonb not null default '{}',
  text_zones jsonb not null default '[]',
  image_zones jsonb not null default '[]',
  brand_elements jsonb not null default '{}',
  usage_count integer not null default 0 check (usage_count >= 0),
  average_engagement_score numeric(7, 6)
    check (average_engagement_score between 0 and 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, brand_profile_id),
  foreign key (brand_profile_id, organization_id)
    references brand_profiles (id, organization_id) on delete cascade
);

create table content_requests (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  brand_profile_id uuid not null,
  requested_by uuid not null references users (id),
  title varchar(300) not null,
  description text,
  content_brief text,
  target_platforms text[] not null default '{}',
  content_type varchar(32) not null default 'post'
    check (content_type ~ '^[a-z0-9_]+$'),
  template_id uuid,
  style_preferences jsonb not null default '{}'
    check (jsonb_typeof(style_preferences) = 'object'),
  keywords text[] not null default '{}',
  status varchar(32) not null default 'submitted'
    check (status in ('draft', 'submitted', 'queued', 'processing', 'generated',
                      'awaiting_approval', 'changes_requested', 'approved', 'rejected',
                      'completed', 'cancelled', 'failed')),
  status_reason text,
  -- 1 (lowest) to 5 (most urgent)
  priority integer not null default 3 check (priority between 1 and 5),
  due_date timestamptz,
  processing_started_at timestamptz,
  processing_completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search_vector tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(description, '')), 'B')
    || setweight(to_tsvector('english', coalesce(content_brief, '')), 'C')
  ) stored,
  constraint content_requests_processing_order_check
    check (processing_completed_at >= processing_started_at),
  unique (id, organization_id),
  unique (id, brand_profile_id, organization_id),
  -- a request may only use its own organization's brand ...
  foreign key (brand_profile_id, organization_id)
    references brand_profiles (id, organization_id) on delete cascade,
  -- ... and that brand's templates; deleting a template no request still needs
  -- clears the reference (an active request blocks the delete: 0003)
  foreign key (template_id, brand_profile_id)
    references content_templates (id, brand_profile_id) on delete set null (template_id)
);

create table generated_assets (
  id uuid primary key default gen_random_uuid(),
  content_request_id uuid not null,
  brand_profile_id uuid not null,
  organization_id uuid not null,
  asset_name varchar(300) not null,
  asset_type varchar(32) not null default 'image'
    check (asset_type in ('image', 'background', 'composite')),
  platform varchar(32) not null check (platform ~ '^[a-z0-9_]+$'),
  variant_type varchar(32) not null default 'primary'
    check (variant_type ~ '^(primary|alternate_[1-9][0-9]*)$'),
  file_path varchar(1000),
  file_url varchar(1000),
  file_size_bytes integer check (file_size_bytes >= 0),
  dimensions jsonb check (jsonb_typeof(dimensions) = 'object'),
  freepik_image_id varchar(200),
  freepik_image_kind varchar(16) check (freepik_image_kind in ('task', 'resource')),
  generation_parameters jsonb not null default '{}'
    check (jsonb_typeof(generation_parameters) = 'object'),
  compliance_score numeric(5, 2) check (compliance_score between 0 and 100),
  compliance_details jsonb not null default '{}',
  validation_status varchar(32) not null default 'pending'
    check (validation_status in ('pending', 'passed', 'passed_with_warnings',
                                 'needs_review', 'rejected')),
  download_count integer not null default 0 check (download_count >= 0),
  usage_count integer not null default 0 check (usage_count >= 0),
  created_at timestamptz not null default now(),
  constraint generated_assets_freepik_kind_check
    check ((freepik_image_id is null) = (freepik_image_kind is null)),
  -- one image per request, platform and candidate: a retry replaces, never duplicates
  unique (content_request_id, platform, variant_type),
  unique (id, organization_id),
  -- an asset belongs to its request's brand and organization, never another's
  foreign key (content_request_id, brand_profile_id, organization_id)
    references content_requests (id, brand_profile_id, organization_id) on delete cascade,
  foreign key (brand_profile_id, organization_id)
    references brand_profiles (id, organization_id) on delete cascade
);

create table asset_variants (
  id uuid primary key default gen_random_uuid(),
  parent_asset_id uuid not null,
  organization_id uuid not null,
  platform varchar(32) not null check (platform ~ '^[a-z0-9_]+$'),
  placement varchar(64),
  format_type varchar(16) not null check (format_type in ('jpeg', 'png', 'webp')),
  dimensions jsonb check (jsonb_typeof(dimensions) = 'object'),
  aspect_ratio varchar(16) check (aspect_ratio ~ '^[0-9]+(\.[0-9]+)?:[0-9]+(\.[0-9]+)?$'),
  file_path varchar(1000),
  file_url varchar(1000),
  file_size_bytes integer check (file_size_bytes >= 0),
  optimization_applied jsonb not null default '{}',
  compression_level varchar(32),
  quality_score numeric(5, 4) check (quality_score between 0 and 1),
  created_at timestamptz not null default now(),
  foreign key (parent_asset_id, organization_id)
    references generated_assets (id, organization_id) on delete cascade
);

create table approval_workflows (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  name varchar(200) not null,
  steps jsonb not null default '[]' check (jsonb_typeof(steps) = 'array'),
  auto_approval_rules jsonb not null default '[]'
    check (jsonb_typeof(auto_approval_rules) = 'array'),
  applies_to_content_types text[] not null default '{}',
  applies_to_platforms text[] not null default '{}',
  minimum_compliance_score numeric(5, 2)
    check (minimum_compliance_score between 0 and 100),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, name),
  unique (id, organization_id)
);

create table content_approvals (
  id uuid primary key default gen_random_uuid(),
  content_request_id uuid not null,
  organization_id uuid not null,
  -- null when the organization has no workflow and the documented default applies
  workflow_id uuid,
  approver_id uuid references users (id) on delete set null,
  step_number integer not null default 1 check (step_number >= 1),
  step_name varchar(200),
  status varchar(32) not null default 'pending'
    check (status in ('pending', 'approved', 'rejected', 'changes_requested',
                      'delegated', 'escalated', 'auto_approved', 'voided')),
  decision_date timestamptz,
  comments text,
  feedback jsonb not null default '{}',
  delegated_to uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (content_request_id, organization_id)
    references content_requests (id, organization_id) on delete cascade,
  foreign key (workflow_id, organization_id)
    references approval_workflows (id, organization_id)
);

create table api_usage (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  -- cost history outlives the request it was spent on
  content_request_id uuid references content_requests (id) on delete set null,
  api_provider varchar(32) not null check (api_provider ~ '^[a-z0-9_]+$'),
  endpoint varchar(500) not null,
  method varchar(8) not null default 'POST'
    check (method in ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
  request_timestamp timestamptz not null default now(),
  request_parameters jsonb not null default '{}',
  -- null when no response arrived (timeout, dropped connection)
  response_status integer check (response_status between 100 and 599),
  response_time_ms integer check (response_time_ms >= 0),
  cost_per_request numeric(12, 6) not null default 0 check (cost_per_request >= 0),
  currency varchar(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  tokens_used integer not null default 0 check (tokens_used >= 0),
  images_generated integer not null default 0 check (images_generated >= 0),
  created_at timestamptz not null default now()
);

create table daily_usage_summaries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  usage_date date not null,
  api_provider varchar(32) not null check (api_provider ~ '^[a-z0-9_]+$'),
  total_requests integer not null default 0 check (total_requests >= 0),
  successful_requests integer not null default 0 check (successful_requests >= 0),
  failed_requests integer not null default 0 check (failed_requests >= 0),
  total_cost numeric(14, 6) not null default 0 check (total_cost >= 0),
  total_tokens integer not null default 0 check (total_tokens >= 0),
  total_images_generated integer not null default 0 check (total_images_generated >= 0),
  average_response_time_ms integer check (average_response_time_ms >= 0),
  error_rate numeric(5, 4) check (error_rate between 0 and 1),
  created_at timestamptz not null default now(),
  constraint daily_usage_summaries_request_totals_check
    check (successful_requests + failed_requests = total_requests),
  unique (organization_id, usage_date, api_provider)
);

create table content_analytics (
  id uuid primary key default gen_random_uuid(),
  generated_asset_id uuid not null,
  organization_id uuid not null,
  platform varchar(32) not null check (platform ~ '^[a-z0-9_]+$'),
  impressions bigint not null default 0 check (impressions >= 0),
  views bigint not null default 0 check (views >= 0),
  likes bigint not null default 0 check (likes >= 0),
  shares bigint not null default 0 check (shares >= 0),
  comments bigint not null default 0 check (comments >= 0),
  saves bigint not null default 0 check (saves >= 0),
  clicks bigint not null default 0 check (clicks >= 0),
  -- null when there were no impressions to divide by
  engagement_rate numeric(7, 6) check (engagement_rate between 0 and 1),
  click_through_rate numeric(7, 6) check (click_through_rate between 0 and 1),
  performance_date date not null,
  measurement_period varchar(16) not null default 'daily'
    check (measurement_period in ('daily', 'weekly', 'monthly', 'lifetime')),
  external_post_id varchar(200),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  unique (generated_asset_id, platform, performance_date, measurement_period),
  foreign key (generated_asset_id, organization_id)
    references generated_assets (id, organization_id) on delete cascade
);

create table brand_compliance_analytics (
  id uuid primary key default gen_random_uuid(),
  brand_profile_id uuid not null,
  organization_id uuid not null,
  analysis_date date not null,
  total_assets_generated integer not null default 0 check (total_assets_generated >= 0),
  assets_passed_compliance integer not null default 0 check (assets_passed_compliance >= 0),
  assets_failed_compliance integer not null default 0 check (assets_failed_compliance >= 0),
  average_compliance_score numeric(5, 2) check (average_compliance_score between 0 and 100),
  logo_usage_count integer not null default 0 check (logo_usage_count >= 0),
  color_compliance_rate numeric(5, 4) check (color_compliance_rate between 0 and 1),
  common_violations jsonb not null default '[]',
  created_at timestamptz not null default now(),
  constraint brand_compliance_analytics_totals_check
    check (assets_passed_compliance + assets_failed_compliance <= total_assets_generated),
  unique (brand_profile_id, analysis_date),
  foreign key (brand_profile_id, organization_id)
    references brand_profiles (id, organization_id) on delete cascade
);

create table user_activity_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  organization_id uuid references organizations (id) on delete cascade,
  action varchar(100) not null,
  resource_type varchar(64),
  resource_id uuid,
  session_id varchar(128),
  ip_address inet,
  user_agent text,
  activity_details jsonb not null default '{}',
  duration_seconds integer check (duration_seconds >= 0),
  created_at timestamptz not null default now()
);

create table system_settings (
  id uuid primary key default gen_random_uuid(),
  category varchar(64) not null,
  setting_key varchar(128) not null,
  setting_value jsonb not null,
  description text,
  data_type varchar(16) not null default 'json'
    check (data_type in ('string', 'integer', 'decimal', 'boolean', 'json')),
  is_encrypted boolean not null default false,
  is_readonly boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (category, setting_key)
);

create table background_jobs (
  id uuid primary key default gen_random_uuid(),
  job_type varchar(64) not null check (job_type ~ '^[a-z0-9_]+$'),
  job_name varchar(200),
  parameters jsonb not null default '{}',
  priority integer not null default 3 check (priority between 1 and 5),
  status varchar(16) not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  started_at timestamptz,
  completed_at timestamptz,
  result jsonb,
  error_message text,
  retry_count integer not null default 0 check (retry_count >= 0),
  max_retries integer not null default 3 check (max_retries >= 0),
  scheduled_for timestamptz not null default now(),
  organization_id uuid references organizations (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  content_request_id uuid references content_requests (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint background_jobs_timing_check check (completed_at >= started_at)
);
