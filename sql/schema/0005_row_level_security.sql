-- Multi-tenancy (DESIGN §4). Every organization-scoped table admits, for the
-- application role, only the rows of the organization named by the session
-- setting app.current_organization_id (resources/tenancy.py sets it per
-- transaction). The pipeline role and the tables' owner bypass it.

grant usage on schema public to socialpipe_app, socialpipe_pipeline;
grant select, insert, update, delete on all tables in schema public
  to socialpipe_app, socialpipe_pipeline;
alter default privileges in schema public
  grant select, insert, update, delete on tables to socialpipe_app, socialpipe_pipeline;
-- settings hold prices, budgets and encrypted secrets: applications read, never write
revoke insert, update, delete on system_settings from socialpipe_app;

alter table organizations enable row level security;
create policy tenant_isolation on organizations
  using (id = current_organization_id())
  with check (id = current_organization_id());

do $$
declare
  scoped_table text;
begin
  foreach scoped_table in array array[
    'user_organizations', 'brand_profiles', 'brand_assets', 'content_templates',
    'content_requests', 'generated_assets', 'asset_variants', 'approval_workflows',
    'content_approvals', 'api_usage', 'daily_usage_summaries', 'content_analytics',
    'brand_compliance_analytics', 'user_activity_logs', 'background_jobs'
  ]
  loop
    execute format('alter table %I enable row level security', scoped_table);
    execute format(
      'create policy tenant_isolation on %I '
      'using (organization_id = current_organization_id()) '
      'with check (organization_id = current_organization_id())',
      scoped_table);
  end loop;
end
$$;

-- alembic's bookkeeping is not application data
do $$
begin
  if to_regclass('public.alembic_version') is not null then
    revoke all on alembic_version from socialpipe_app, socialpipe_pipeline;
  end if;
end
$$;
