-- Remove one setting unless it is readonly; returns the row removed.
delete from system_settings
where category = :category and setting_key = :setting_key and not is_readonly
returning setting_key
