-- Insert or replace one setting. A readonly row matches the conflict but is not
-- updated, so nothing is returned: the caller refuses (even if the row appeared
-- since it was checked). is_readonly itself is never written here.
insert into system_settings (category, setting_key, setting_value, description,
                             data_type, is_encrypted)
values (:category, :setting_key, cast(:setting_value as jsonb), :description,
        :data_type, :is_encrypted)
on conflict (category, setting_key) do update
set setting_value = excluded.setting_value,
    description = coalesce(excluded.description, system_settings.description),
    data_type = excluded.data_type,
    is_encrypted = excluded.is_encrypted
where not system_settings.is_readonly
returning category, setting_key, setting_value, description, data_type,
          is_encrypted, is_readonly, created_at, updated_at
