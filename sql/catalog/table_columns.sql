-- a table's columns as the database's own catalog has them, in their order
with table_oid as (
  select to_regclass(cast(:table_name as text)) as oid
),

table_columns as (
  select
    a.attname as name,
    format_type(a.atttypid, a.atttypmod) as data_type,
    not a.attnotnull as nullable,
    a.attnum as position
  from pg_attribute as a
  inner join table_oid as t on a.attrelid = t.oid
  where a.attnum > 0 and not a.attisdropped
)

select name, data_type, nullable from table_columns order by position
