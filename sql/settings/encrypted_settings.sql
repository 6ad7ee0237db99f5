-- Every encrypted setting, locked for re-encryption under a new key.
select category, setting_key, setting_value
from system_settings
where is_encrypted
order by category, setting_key
for update
