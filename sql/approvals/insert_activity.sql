-- A person's decision, in the activity log (docs/FLOW.md: user_activity_logs records what people do).
insert into user_activity_logs (
    user_id, organization_id, action, resource_type, resource_id, session_id, user_agent,
    activity_details
)
values (
    :user_id, :organization_id, :action, 'content_approval', :approval_id, :session_id,
    :user_agent, cast(:details as jsonb)
)
