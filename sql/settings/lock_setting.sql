-- The setting about to be replaced, locked until the transaction ends, so that the
-- readonly check and the write see the same row.
select category, setting_key, setting_value, description, data_type,
       is_encrypted, is_readonly, created_at, updated_at
from system_settings
where category = :category and setting_key = :setting_key
for update
