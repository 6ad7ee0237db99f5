-- A secret's token re-encrypted under another key: the value itself is unchanged,
-- so a readonly secret is rotated too (otherwise its old key could never be retired).
update system_settings
set setting_value = cast(:setting_value as jsonb)
where category = :category and setting_key = :setting_key and is_encrypted
