select setting_key, setting_value
from system_settings
where category = :category
