-- Placement spec overrides, keyed "<platform>.<placement>" (assets/placements.py).
select setting_key, setting_value
from system_settings
where category = 'placements'
