-- Alerts sent to the on-call webhook (pipeline_defs/alerts.py, docs/SCHEMA.md): one row
-- per thing alerted on (a failed run, a failed blocking check), so that a sensor
-- evaluated again never alerts twice, and the rows of the last hour are what the
-- per-hour cap counts. Neither the message nor the webhook's URL is kept: only what
-- happened to the delivery.
create table alert_deliveries (
  id uuid primary key default gen_random_uuid(),
  sensor_name varchar(128) not null,
  subject varchar(256) not null,
  status varchar(16) not null default 'sending'
    check (status in ('sending', 'sent', 'failed', 'capped', 'no_webhook')),
  attempts integer not null default 0 check (attempts >= 0),
  error varchar(256),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint alert_deliveries_subject_key unique (sensor_name, subject)
);

-- the cap counts the deliveries of the last hour
create index alert_deliveries_created_at_idx on alert_deliveries (created_at);

grant select, insert, update, delete on alert_deliveries to socialpipe_pipeline;
