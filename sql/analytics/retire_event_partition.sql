-- the rows dropped; raises when the month is not over or not summarized (migration 0013)
select retire_event_partition(:t, :month) as rows_dropped
