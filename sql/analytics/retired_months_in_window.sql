-- the first retired month of the tables a model reads that overlaps its window
with retired as (
    select table_name, month
    from event_partition_retirements
    where table_name = any(:tables)
),

overlapping as (
    select table_name, month
    from retired
    where month < :end_day
      and (month + interval '1 month')::date > :first_day
)

select table_name, month
from overlapping
order by month
limit 1
