-- Compliance vs engagement (issue 20): per organization, platform and ISO week, the
-- pooled engagement of the images in each compliance band and of the images failing
-- each rule, beside the organization's platform baseline, with a bootstrap interval.
-- Written by dbt_like_models/compliance_engagement.sql (the estimates) and, in the same
-- transaction, by assets/analytics/compliance_intervals.py (the interval columns).
-- A new table: no existing row changes.

create table compliance_engagement (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  platform varchar(50) not null,
  week_start date not null check (extract(isodow from week_start) = 1),
  group_kind varchar(20) not null check (group_kind in ('band', 'failed_rule')),
  group_name varchar(100) not null,
  images integer not null check (images > 0),
  impressions bigint not null check (impressions >= 0),
  interactions bigint not null check (interactions >= 0),
  clicks bigint not null check (clicks >= 0),
  engagement_rate numeric(7, 6) check (engagement_rate between 0 and 1),
  click_through_rate numeric(7, 6) check (click_through_rate between 0 and 1),
  baseline_images integer not null check (baseline_images >= images),
  baseline_impressions bigint not null check (baseline_impressions >= impressions),
  baseline_engagement_rate numeric(7, 6) check (baseline_engagement_rate between 0 and 1),
  baseline_click_through_rate numeric(7, 6)
    check (baseline_click_through_rate between 0 and 1),
  evidence varchar(20) not null check (evidence in ('estimated', 'too_few')),
  engagement_rate_difference numeric(8, 6),
  click_through_rate_difference numeric(8, 6),
  -- the interval columns: null until the bootstrap has run, and always for too few
  difference_low numeric(8, 6),
  difference_high numeric(8, 6),
  resamples integer check (resamples > 0),
  created_at timestamptz not null default now(),
  unique (organization_id, platform, week_start, group_kind, group_name),
  -- "too few" is never a number: no difference and no interval
  constraint compliance_engagement_too_few_check check (
    evidence <> 'too_few' or (
      engagement_rate_difference is null and click_through_rate_difference is null
      and difference_low is null and difference_high is null and resamples is null
    )
  ),
  constraint compliance_engagement_interval_check check (
    (difference_low is null) = (difference_high is null)
    and (difference_low is null or difference_low <= difference_high)
  )
);

create index compliance_engagement_week_idx on compliance_engagement (week_start);

-- the tenant wall of every analytics table (0005): an application session sees and
-- writes only its organization's rows; the pipeline role works across tenants
alter table compliance_engagement enable row level security;
create policy tenant_isolation on compliance_engagement
  using (organization_id = current_organization_id())
  with check (organization_id = current_organization_id());
grant select, insert, update, delete on compliance_engagement
  to socialpipe_app, socialpipe_pipeline;
