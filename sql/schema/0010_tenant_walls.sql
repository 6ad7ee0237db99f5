-- Tenant walls on every table and every reference (docs/TENANCY.md).
--
-- 0005 filters rows by organization; it left two gaps. `users` had no policy, so a
-- tenant session read every user and rewrote any of them. And a foreign key is
-- checked by PostgreSQL without row-level security, so a column such as
-- api_usage.content_request_id accepted another tenant's id, and the difference
-- between "accepted" and "violates foreign key" told the tenant that the id exists.
--
-- Both walls apply where row-level security applies (row_security_active: the
-- application role, scoped by app.current_organization_id). The pipeline role and
-- the tables' owner work across tenants and are trusted to write what they read.

-- The user an application session acts for, when it names one
-- (resources/tenancy.py sets app.current_user_id beside the organization).
create function current_app_user_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.current_user_id', true), '')::uuid $$;

-- Security definer: the answer must not depend on the caller's view of
-- user_organizations (a policy on that table asking it would recurse).
create function is_organization_member(
  member uuid, organization uuid, active_only boolean default false
) returns boolean
language sql stable security definer set search_path = public, pg_temp
as $$
  select exists (
    select 1 from user_organizations m
    where m.user_id = member
      and m.organization_id = organization
      and (m.is_active or not active_only)
  )
$$;

create function is_organization_admin(member uuid, organization uuid) returns boolean
language sql stable security definer set search_path = public, pg_temp
as $$
  select exists (
    select 1 from user_organizations m
    join users u on u.id = m.user_id
    where m.user_id = member
      and m.organization_id = organization
      and m.is_active and u.is_active
      and m.role in ('owner', 'admin')
  )
$$;

-- users: a tenant sees the members of its organization (and the user it acts for),
-- edits only that user's own profile, and neither creates nor deletes users
-- (accounts are provisioned by the operator; memberships make them visible).
alter table users enable row level security;
create policy tenant_members_visible on users for select
  using (id = current_app_user_id() or is_organization_member(id, current_organization_id()));
create policy own_profile_editable on users for update
  using (id = current_app_user_id() and is_organization_member(id, current_organization_id()))
  with check (id = current_app_user_id());
revoke insert, update, delete on users from socialpipe_app;
grant update (email, username, password_hash, first_name, last_name, metadata)
  on users to socialpipe_app;

-- user_organizations: roles change through memberships, and only an active owner
-- or admin of the organization changes them. Restrictive: narrows 0005's policy.
create policy members_managed_by_admins on user_organizations as restrictive
  for insert with check (is_organization_admin(current_app_user_id(), organization_id));
create policy members_updated_by_admins on user_organizations as restrictive
  for update using (is_organization_admin(current_app_user_id(), organization_id));
create policy members_removed_by_admins on user_organizations as restrictive
  for delete using (is_organization_admin(current_app_user_id(), organization_id));

-- The delete protection of 0003 listed what a user created in every tenant. Tenants
-- can no longer delete users; the message still counts only the caller's tenant
-- when one is set, so it can never describe another tenant's rows.
create or replace function protect_user_with_creations() returns trigger
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  created text;
  tenant uuid := current_organization_id();
begin
  select string_agg(format('%s %s', counted.n, counted.what), ', ') into created
  from (
    select count(*) as n, 'organization(s)' as what from organizations
    where created_by = old.id and (tenant is null or id = tenant)
    union all
    select count(*), 'brand profile(s)' from brand_profiles
    where created_by = old.id and (tenant is null or organization_id = tenant)
    union all
    select count(*), 'brand asset(s)' from brand_assets
    where created_by = old.id and (tenant is null or organization_id = tenant)
    union all
    select count(*), 'content template(s)' from content_templates
    where created_by = old.id and (tenant is null or organization_id = tenant)
    union all
    select count(*), 'approval workflow(s)' from approval_workflows
    where created_by = old.id and (tenant is null or organization_id = tenant)
    union all
    select count(*), 'content request(s)' from content_requests
    where requested_by = old.id and (tenant is null or organization_id = tenant)
  ) as counted
  where counted.n > 0;

  if created is not null then
    raise exception 'user % (%) cannot be deleted: they created %', old.email, old.id, created
      using errcode = 'foreign_key_violation',
            hint = 'Deactivate the user (is_active = false) or reassign what they created.';
  end if;
  return old;
end
$$;

-- References written from a tenant session must point inside the tenant. One check
-- per column (tg_argv: column, what it names). Invoker's rights on purpose: it runs
-- only where row-level security applies, and answers "not in this organization" for
-- an id that is foreign and for one that does not exist alike, before the foreign
-- key (which would tell the two apart) is consulted. Only a changed value is
-- checked, so a row whose requester has since left can still be updated.
create function check_tenant_reference() returns trigger
language plpgsql
as $$
declare
  column_name text := tg_argv[0];
  target text := tg_argv[1];
  referenced uuid := (to_jsonb(new) ->> column_name)::uuid;
  organization uuid;
  inside boolean;
begin
  if referenced is null or not row_security_active(tg_relid) then
    return new;
  end if;
  if tg_op = 'UPDATE' and (to_jsonb(old) ->> column_name)::uuid = referenced then
    return new;
  end if;
  organization := coalesce(
    case when tg_table_name = 'organizations' then (to_jsonb(new) ->> 'id')::uuid
         else (to_jsonb(new) ->> 'organization_id')::uuid end,
    current_organization_id());
  if organization is distinct from current_organization_id() then
    return new;  -- another tenant's row: row-level security refuses it as such
  end if;
  if target = 'member' then
    inside := is_organization_member(referenced, organization);
  else
    execute format('select exists (select 1 from %I where id = $1 and organization_id = $2)',
                   target)
      into inside using referenced, organization;
  end if;
  if not inside then
    raise exception '%.% = % is not in this organization', tg_table_name, column_name, referenced
      using errcode = 'foreign_key_violation',
            hint = case when target = 'member'
                        then 'Name a member of the organization.'
                        else format('Name one of the organization''s %s.', target) end;
  end if;
  return new;
end
$$;

-- Every foreign-key column but organization_id itself. The composite keys of 0002
-- already pin brand, template, request, asset and workflow references to the row's
-- organization, yet they are checked after the row's unique constraints: pointing
-- generated_assets.content_request_id at another tenant's request would collide with
-- that request's own images and answer "duplicate key" where a missing id answers
-- "foreign key". The check runs before both.
do $$
declare
  reference text[];
begin
  foreach reference slice 1 in array array[
    ['organizations', 'created_by', 'member'],
    ['user_organizations', 'user_id', 'member'],
    ['brand_profiles', 'created_by', 'member'],
    ['brand_assets', 'brand_profile_id', 'brand_profiles'],
    ['brand_assets', 'created_by', 'member'],
    ['content_templates', 'brand_profile_id', 'brand_profiles'],
    ['content_templates', 'created_by', 'member'],
    ['content_requests', 'brand_profile_id', 'brand_profiles'],
    ['content_requests', 'requested_by', 'member'],
    ['content_requests', 'template_id', 'content_templates'],
    ['generated_assets', 'content_request_id', 'content_requests'],
    ['generated_assets', 'brand_profile_id', 'brand_profiles'],
    ['asset_variants', 'parent_asset_id', 'generated_assets'],
    ['approval_workflows', 'created_by', 'member'],
    ['content_approvals', 'content_request_id', 'content_requests'],
    ['content_approvals', 'workflow_id', 'approval_workflows'],
    ['content_approvals', 'approver_id', 'member'],
    ['content_approvals', 'delegated_to', 'member'],
    ['api_usage', 'user_id', 'member'],
    ['api_usage', 'content_request_id', 'content_requests'],
    ['content_analytics', 'generated_asset_id', 'generated_assets'],
    ['brand_compliance_analytics', 'brand_profile_id', 'brand_profiles'],
    ['user_activity_logs', 'user_id', 'member'],
    ['background_jobs', 'user_id', 'member'],
    ['background_jobs', 'content_request_id', 'content_requests']
  ]
  loop
    -- "tenant_ref" sorts after "fill_organization": organization_id is filled first
    execute format(
      'create trigger %I before insert or update of %I on %I for each row '
      'execute function check_tenant_reference(%L, %L)',
      reference[1] || '_tenant_ref_' || reference[2], reference[2], reference[1],
      reference[2], reference[3]);
  end loop;
end
$$;
