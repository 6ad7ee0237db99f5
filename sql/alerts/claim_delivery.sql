-- one row per (sensor, subject): a second claim of the same subject returns nothing
insert into alert_deliveries (sensor_name, subject)
values (:sensor_name, :subject)
on conflict (sensor_name, subject) do nothing
returning id
