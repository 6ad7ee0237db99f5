-- One setting, as resources/settings reads it.
select category, setting_key, setting_value, description, data_type,
       is_encrypted, is_readonly, created_at, updated_at
from system_settings
where category = :category and setting_key = :setting_key
