-- true when the month's partition was created (migration 0013)
select ensure_event_partition(:t, :month) as created
