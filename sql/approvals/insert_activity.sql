-- A person's decision, in the activity log (DESIGN §1: user_activity_logs records human actions).
insert into user_activity_logs (
    user_id, organization_id, action, resource_type, resource_id, session_id, user_agent,
    activity_details
)
values (
    :user_id, :organization_id, :action, 'content_approval', :approval_id, :session_id,
    :user_agent, cast(:details as jsonb)
)
