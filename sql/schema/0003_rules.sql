-- Referential rules that foreign keys alone cannot say (DESIGN §4), and the
-- bookkeeping triggers. Protections name what blocks them, so the person who
-- hits one knows what to do next.

-- Child tables carry their parent's organization_id for row-level security.
-- Callers need not supply it: it is copied from the parent row named by the
-- foreign-key column (tg_argv: parent table, foreign-key column). A value that
-- disagrees with the parent is rejected by the composite foreign key.
create function fill_organization_id() returns trigger
language plpgsql
as $$
declare
  parent_id uuid := (to_jsonb(new) ->> tg_argv[1])::uuid;
  parent_organization uuid;
begin
  if new.organization_id is null and parent_id is not null then
    execute format('select organization_id from %I where id = $1', tg_argv[0])
      into parent_organization using parent_id;
    new.organization_id := parent_organization;
  end if;
  return new;
end
$$;

create trigger brand_assets_fill_organization before insert on brand_assets
  for each row execute function fill_organization_id('brand_profiles', 'brand_profile_id');
create trigger content_templates_fill_organization before insert on content_templates
  for each row execute function fill_organization_id('brand_profiles', 'brand_profile_id');
create trigger generated_assets_fill_organization before insert on generated_assets
  for each row execute function fill_organization_id('content_requests', 'content_request_id');
create trigger asset_variants_fill_organization before insert on asset_variants
  for each row execute function fill_organization_id('generated_assets', 'parent_asset_id');
create trigger content_approvals_fill_organization before insert on content_approvals
  for each row execute function fill_organization_id('content_requests', 'content_request_id');
create trigger content_analytics_fill_organization before insert on content_analytics
  for each row execute function fill_organization_id('generated_assets', 'generated_asset_id');
create trigger brand_compliance_analytics_fill_organization
  before insert on brand_compliance_analytics
  for each row execute function fill_organization_id('brand_profiles', 'brand_profile_id');

-- A user who created anything keeps it attributable: deleting them is refused
-- with a list of what they created. Security definer, so that an application
-- session scoped to one tenant still sees the user's resources in every tenant.
create function protect_user_with_creations() returns trigger
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  created text;
begin
  select string_agg(format('%s %s', counted.n, counted.what), ', ') into created
  from (
    select count(*) as n, 'organization(s)' as what from organizations where created_by = old.id
    union all
    select count(*), 'brand profile(s)' from brand_profiles where created_by = old.id
    union all
    select count(*), 'brand asset(s)' from brand_assets where created_by = old.id
    union all
    select count(*), 'content template(s)' from content_templates where created_by = old.id
    union all
    select count(*), 'approval workflow(s)' from approval_workflows where created_by = old.id
    union all
    select count(*), 'content request(s)' from content_requests where requested_by = old.id
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

create trigger users_protect_creations before delete on users
  for each row execute function protect_user_with_creations();

-- pg_trigger_depth() is 1 for a DELETE statement issued by a client and greater
-- when the delete is a cascade from a parent row. The two protections below
-- refuse only the former, so that deleting a brand profile or a content request
-- still removes its templates and generated assets along with it.

create function protect_template_in_use() returns trigger
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  active_count integer;
  examples text;
begin
  if pg_trigger_depth() > 1 then
    return old;
  end if;
  select count(*), string_agg(quote_literal(title), ', ')
    into active_count, examples
  from (
    select title from content_requests
    where template_id = old.id
      and status not in ('completed', 'cancelled', 'failed')
    order by created_at
  ) as active;
  if active_count > 0 then
    raise exception 'content template % (%) cannot be deleted: % active content request(s) use it: %',
        quote_literal(old.name), old.id, active_count, left(examples, 300)
      using errcode = 'foreign_key_violation',
            hint = 'Complete, cancel or re-template those requests first.';
  end if;
  return old;
end
$$;

create trigger content_templates_protect_in_use before delete on content_templates
  for each row execute function protect_template_in_use();

create function protect_referenced_generated_asset() returns trigger
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  variant_count integer;
  analytics_count integer;
begin
  if pg_trigger_depth() > 1 then
    return old;
  end if;
  select count(*) into variant_count from asset_variants where parent_asset_id = old.id;
  select count(*) into analytics_count from content_analytics where generated_asset_id = old.id;
  if variant_count > 0 or analytics_count > 0 then
    raise exception 'generated asset % (%) cannot be deleted: % variant(s) and % analytics row(s) reference it',
        quote_literal(old.asset_name), old.id, variant_count, analytics_count
      using errcode = 'foreign_key_violation',
            hint = 'Delete its variants and analytics first, or delete its content request.';
  end if;
  return old;
end
$$;

create trigger generated_assets_protect_referenced before delete on generated_assets
  for each row execute function protect_referenced_generated_asset();

-- updated_at on every table that has one
do $$
declare
  table_name text;
begin
  for table_name in
    select c.table_name from information_schema.columns c
    where c.table_schema = 'public' and c.column_name = 'updated_at'
  loop
    execute format(
      'create trigger %I before update on %I for each row execute function set_updated_at()',
      table_name || '_set_updated_at', table_name);
  end loop;
end
$$;
