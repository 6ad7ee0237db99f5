-- One setting the demo relies on. A price or budget an operator already set is theirs:
-- the demo never overwrites it, and the history anchor, once stored, stays.
insert into system_settings (
    id, category, setting_key, setting_value, description, data_type, is_readonly
)
values (
    :id, :category, :setting_key, cast(:setting_value as jsonb), :description,
    :data_type, :is_readonly
)
on conflict (category, setting_key) do nothing
