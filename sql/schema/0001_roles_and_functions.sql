-- Roles and helper functions the tables below rely on.
--
-- socialpipe_app       what an application session becomes: subject to row-level
--                      security, sees one organization at a time (see 0005).
-- socialpipe_pipeline  what the Dagster pipeline becomes: works across tenants,
--                      so it bypasses row-level security.
-- Roles are cluster-wide, hence "if not exists": every database of the cluster
-- (the test suite makes its own) shares them.
do $$
begin
  if not exists (select from pg_roles where rolname = 'socialpipe_app') then
    create role socialpipe_app nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'socialpipe_pipeline') then
    create role socialpipe_pipeline nologin bypassrls;
  end if;
end
$$;

create function is_hex_color(value text) returns boolean
language sql immutable parallel safe
as $$ select value ~ '^#[0-9A-Fa-f]{6}$' $$;

-- A palette is a JSON array of objects, each with a "hex" colour:
-- [{"name": "Ocean", "hex": "#0A3D62", "role": "primary"}, ...]
create function is_color_palette(palette jsonb) returns boolean
language sql immutable parallel safe
as $$
  select case
    when jsonb_typeof(palette) <> 'array' then false
    else not exists (
      select 1
      from jsonb_array_elements(palette) as element
      where jsonb_typeof(element) <> 'object'
         or not coalesce(is_hex_color(element ->> 'hex'), false)
    )
  end
$$;

-- The organization an application session is scoped to; null when none is set,
-- which matches no row.
create function current_organization_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.current_organization_id', true), '')::uuid $$;

create function set_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
