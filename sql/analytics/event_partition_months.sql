-- the months of an event table that have their own partition, oldest first
select month
from event_partition_months(:t) as month
