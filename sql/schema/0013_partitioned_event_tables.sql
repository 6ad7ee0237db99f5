-- Partitioned event tables (issue 17, docs/SCHEMA.md "Event tables").
--
-- api_usage and user_activity_logs are append-only logs that grow without bound. Each
-- becomes range-partitioned by calendar month (UTC) on its timestamp, so that a day's
-- analytics read one month's partition whatever the history, and an old month leaves
-- with `detach partition` + `drop table` instead of a delete of millions of rows.
--
-- Every column, default, check, foreign key, index (same name, same kind), trigger,
-- policy and grant of the tables is kept, and every row is moved. The primary key
-- becomes (id, <timestamp>): PostgreSQL enforces a unique key on a partitioned table
-- only when it includes the partition key. ids are still random uuids; nothing
-- references these rows by id.
--
-- A row whose month has no partition yet lands in the table's `_default` partition;
-- creating the month's partition moves such rows into it (ensure_event_partition).
-- Partitions are reached through their table only: no grant on a partition, so
-- row-level security (which applies to the table named in the query) cannot be
-- sidestepped by naming a partition.

-- The timestamp each event table is partitioned on; anything else is refused, so the
-- security-definer functions below can only ever touch these two tables.
create function event_partition_column(parent text) returns text
language sql immutable parallel safe
as $$
  select case parent
    when 'api_usage' then 'request_timestamp'
    when 'user_activity_logs' then 'created_at'
  end
$$;

-- Months whose partition was dropped by the retention setting: their raw rows are gone,
-- their summaries are final (the runner refuses to recompute them from nothing).
create table event_partition_retirements (
  table_name varchar(64) not null check (event_partition_column(table_name) is not null),
  month date not null check (month = date_trunc('month', month)::date),
  rows_dropped bigint not null check (rows_dropped >= 0),
  retired_at timestamptz not null default now(),
  primary key (table_name, month)
);
revoke insert, update, delete on event_partition_retirements from socialpipe_app, socialpipe_pipeline;

-- Are the month's days summarized? For api_usage: every (organization, UTC day,
-- provider, currency) of the month's raw rows has a daily_usage_summaries row with the
-- same number of calls and the same cost, and no summary row of the month lacks its
-- raw rows. user_activity_logs feeds no analytics: nothing to wait for.
create function event_month_summarized(parent text, month date) returns boolean
language plpgsql stable security definer set search_path = public, pg_temp
as $$
declare
  first_at timestamptz := make_timestamptz(
    extract(year from month)::int, extract(month from month)::int, 1, 0, 0, 0, 'UTC');
  after_at timestamptz := first_at + interval '1 month';
  differing boolean;
begin
  if event_partition_column(parent) is null then
    raise exception 'not an event table: %', parent using errcode = 'invalid_parameter_value';
  end if;
  if parent = 'user_activity_logs' then
    return true;
  end if;
  with raw as (
    select
      organization_id,
      (request_timestamp at time zone 'UTC')::date as usage_date,
      api_provider,
      currency,
      count(*) as calls,
      sum(cost_per_request) as cost
    from api_usage
    where request_timestamp >= first_at and request_timestamp < after_at
    group by 1, 2, 3, 4
  ),

  summarized as (
    select organization_id, usage_date, api_provider, currency,
           total_requests::bigint as calls, total_cost as cost
    from daily_usage_summaries
    where usage_date >= month and usage_date < (month + interval '1 month')::date
  )

  select exists (
    select 1
    from raw
    full join summarized using (organization_id, usage_date, api_provider, currency)
    where raw.calls is distinct from summarized.calls
       or raw.cost is distinct from summarized.cost
  ) into differing;
  return not differing;
end
$$;

-- The month's partition of an event table, created if missing (true when created).
-- Rows of that month waiting in the default partition move into it, in this
-- transaction.
create function ensure_event_partition(parent text, month date) returns boolean
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  key_column text := event_partition_column(parent);
  part text := format('%s_%s', parent, to_char(month, 'YYYY_MM'));
  first_at timestamptz := make_timestamptz(
    extract(year from month)::int, extract(month from month)::int, 1, 0, 0, 0, 'UTC');
  after_at timestamptz := first_at + interval '1 month';
begin
  if key_column is null then
    raise exception 'not an event table: %', parent using errcode = 'invalid_parameter_value';
  end if;
  if month <> date_trunc('month', month)::date then
    raise exception 'a partition month is a first of the month, not %', month
      using errcode = 'invalid_parameter_value';
  end if;
  if to_regclass(part) is not null then
    return false;
  end if;
  -- the default partition may not keep rows the new partition's range covers
  drop table if exists pg_temp.event_partition_rows;
  execute format('create temporary table event_partition_rows (like %I) on commit drop', parent);
  execute format(
    'with moved as (delete from %I where %I >= $1 and %I < $2 returning *) '
    'insert into pg_temp.event_partition_rows select * from moved',
    parent || '_default', key_column, key_column) using first_at, after_at;
  execute format('create table %I partition of %I for values from (%L) to (%L)',
                 part, parent, first_at, after_at);
  execute format('insert into %I select * from pg_temp.event_partition_rows', part);
  drop table pg_temp.event_partition_rows;
  execute format('revoke all on %I from socialpipe_app, socialpipe_pipeline', part);
  return true;
end
$$;

-- Detach and drop the month's partition, only when the month is over and summarized;
-- returns the rows dropped. Refuses (raises) otherwise: retention never loses a day
-- the analytics have not computed.
create function retire_event_partition(parent text, month date) returns bigint
language plpgsql security definer set search_path = public, pg_temp
as $$
#variable_conflict use_column
declare
  part text := format('%s_%s', parent, to_char(month, 'YYYY_MM'));
  dropped bigint;
begin
  if event_partition_column(parent) is null then
    raise exception 'not an event table: %', parent using errcode = 'invalid_parameter_value';
  end if;
  if to_regclass(part) is null then
    raise exception 'no partition % of %', part, parent using errcode = 'undefined_table';
  end if;
  if (month + interval '1 month')::date > (now() at time zone 'UTC')::date then
    raise exception '% is not over: its partition % is kept', to_char(month, 'YYYY-MM'), part
      using errcode = 'object_in_use';
  end if;
  if not event_month_summarized(parent, month) then
    raise exception 'the analytics of % (%) are not computed: partition % is kept',
      to_char(month, 'YYYY-MM'), parent, part
      using errcode = 'object_in_use';
  end if;
  execute format('select count(*) from %I', part) into dropped;
  execute format('alter table %I detach partition %I', parent, part);
  execute format('drop table %I', part);
  insert into event_partition_retirements (table_name, month, rows_dropped)
  values (parent, month, dropped)
  on conflict (table_name, month) do update
    set rows_dropped = event_partition_retirements.rows_dropped + excluded.rows_dropped,
        retired_at = excluded.retired_at;
  return dropped;
end
$$;

-- The months that have a partition (the default partition is not one).
create function event_partition_months(parent text) returns setof date
language sql stable security definer set search_path = public, pg_temp
as $$
  select to_date(substring(c.relname from '_(\d{4}_\d{2})$'), 'YYYY_MM')
  from pg_inherits i
  join pg_class c on c.oid = i.inhrelid
  where i.inhparent = to_regclass(parent)
    and c.relname ~ '_\d{4}_\d{2}$'
  order by 1
$$;

revoke all on function
  event_month_summarized(text, date), ensure_event_partition(text, date),
  retire_event_partition(text, date), event_partition_months(text)
  from public;
grant execute on function
  event_month_summarized(text, date), ensure_event_partition(text, date),
  retire_event_partition(text, date), event_partition_months(text)
  to socialpipe_pipeline;

-- A trigger on a partitioned table fires on the partition the row goes to: tg_relid
-- and tg_table_name name the partition, which has no row-level security of its own.
-- The tenant check asks about the table the statement named (the partition root).
create or replace function check_tenant_reference() returns trigger
language plpgsql
as $$
declare
  column_name text := tg_argv[0];
  target text := tg_argv[1];
  referenced uuid := (to_jsonb(new) ->> column_name)::uuid;
  relation regclass := coalesce(pg_partition_root(tg_relid), tg_relid);
  relation_name text := (select relname from pg_class where oid = relation);
  organization uuid;
  inside boolean;
begin
  if referenced is null or not row_security_active(relation) then
    return new;
  end if;
  if tg_op = 'UPDATE' and (to_jsonb(old) ->> column_name)::uuid = referenced then
    return new;
  end if;
  organization := coalesce(
    case when relation_name = 'organizations' then (to_jsonb(new) ->> 'id')::uuid
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
    raise exception '%.% = % is not in this organization', relation_name, column_name, referenced
      using errcode = 'foreign_key_violation',
            hint = case when target = 'member'
                        then 'Name a member of the organization.'
                        else format('Name one of the organization''s %s.', target) end;
  end if;
  return new;
end
$$;

-- The move, table by table: the old heap steps aside (its indexes dropped to free
-- their names), the partitioned table takes its name and shape, gets a partition for
-- every month holding rows and for this month and the next three, receives every row,
-- then the indexes, triggers, policy and grants of the old table.
do $$
declare
  event_table text;
  key_column text;
  old_table text;
  index_name text;
  month date;
begin
  foreach event_table in array array['api_usage', 'user_activity_logs']
  loop
    key_column := event_partition_column(event_table);
    old_table := event_table || '_before_0013';
    execute format('alter table %I rename to %I', event_table, old_table);
    execute format('alter table %I drop constraint %I', old_table, event_table || '_pkey');
    for index_name in
      select i.indexrelid::regclass::text from pg_index i where i.indrelid = old_table::regclass
    loop
      execute format('drop index %s', index_name);
    end loop;

    -- columns in the same order with their defaults, not-nulls, checks (same names),
    -- comments and storage; the foreign keys are copied below
    execute format(
      'create table %I (like %I including all, primary key (id, %I)) '
      'partition by range (%I)', event_table, old_table, key_column, key_column);
    execute format('create table %I partition of %I default', event_table || '_default',
                   event_table);
    execute format('revoke all on %I from socialpipe_app, socialpipe_pipeline',
                   event_table || '_default');
    for month in
      execute format(
        'select distinct date_trunc(''month'', %I at time zone ''UTC'')::date from %I '
        'union select (date_trunc(''month'', now() at time zone ''UTC'') '
        '  + make_interval(months => n))::date from generate_series(0, 3) as n',
        key_column, old_table)
    loop
      perform ensure_event_partition(event_table, month);
    end loop;
    execute format('insert into %I select * from %I', event_table, old_table);
    execute format('drop table %I', old_table);
  end loop;
end
$$;

-- foreign keys of 0002, as they were
alter table api_usage
  add constraint api_usage_organization_id_fkey foreign key (organization_id)
    references organizations (id) on delete cascade,
  add constraint api_usage_user_id_fkey foreign key (user_id)
    references users (id) on delete set null,
  add constraint api_usage_content_request_id_fkey foreign key (content_request_id)
    references content_requests (id) on delete set null;
alter table user_activity_logs
  add constraint user_activity_logs_organization_id_fkey foreign key (organization_id)
    references organizations (id) on delete cascade,
  add constraint user_activity_logs_user_id_fkey foreign key (user_id)
    references users (id) on delete cascade;

-- indexes of 0004 and 0008, same names and kinds (each partition gets its own)
create index api_usage_org_time_idx on api_usage (organization_id, request_timestamp)
  include (api_provider, response_status, cost_per_request);
create index api_usage_user_idx on api_usage (user_id) where user_id is not null;
create index api_usage_request_time_brin on api_usage using brin (request_timestamp);
create index api_usage_model_idx on api_usage ((request_parameters ->> 'model'));
create index api_usage_content_request_idx on api_usage (content_request_id)
  where content_request_id is not null;
create index api_usage_created_brin on api_usage using brin (created_at);
create index user_activity_logs_organization_idx on user_activity_logs (organization_id);
create index user_activity_logs_user_time_idx on user_activity_logs (user_id, created_at desc);
create index user_activity_logs_created_brin on user_activity_logs using brin (created_at);

-- tenant reference checks of 0010
create trigger api_usage_tenant_ref_user_id
  before insert or update of user_id on api_usage
  for each row execute function check_tenant_reference('user_id', 'member');
create trigger api_usage_tenant_ref_content_request_id
  before insert or update of content_request_id on api_usage
  for each row execute function check_tenant_reference('content_request_id', 'content_requests');
create trigger user_activity_logs_tenant_ref_user_id
  before insert or update of user_id on user_activity_logs
  for each row execute function check_tenant_reference('user_id', 'member');

-- row-level security of 0005
alter table api_usage enable row level security;
alter table user_activity_logs enable row level security;
create policy tenant_isolation on api_usage
  using (organization_id = current_organization_id())
  with check (organization_id = current_organization_id());
create policy tenant_isolation on user_activity_logs
  using (organization_id = current_organization_id())
  with check (organization_id = current_organization_id());
grant select, insert, update, delete on api_usage, user_activity_logs
  to socialpipe_app, socialpipe_pipeline;

analyze api_usage;
analyze user_activity_logs;
