-- One human action of the demo's audit trail (a login, a request, an approval).
insert into user_activity_logs (
    id, user_id, organization_id, action, resource_type, resource_id, session_id,
    ip_address, user_agent, activity_details, duration_seconds, created_at
)
values (
    :id, :user_id, :organization_id, :action, :resource_type, :resource_id, :session_id,
    cast(:ip_address as inet), :user_agent, cast(:activity_details as jsonb),
    :duration_seconds, :created_at
)
-- the key of the partitioned table (0013); a demo row's time is as fixed as its id
on conflict (id, created_at) do nothing
