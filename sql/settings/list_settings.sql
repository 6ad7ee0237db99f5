-- Every setting, or one category's.
select category, setting_key, setting_value, description, data_type,
       is_encrypted, is_readonly, created_at, updated_at
from system_settings
where cast(:category as varchar) is null or category = cast(:category as varchar)
order by category, setting_key
