-- The last day of the demo history as stored by the first load (a json string, read
-- as text); every demo timestamp hangs off it.
select setting_value #>> '{}'
from system_settings
where category = :category and setting_key = :key
