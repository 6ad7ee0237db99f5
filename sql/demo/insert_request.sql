-- A demo content request: brief, style preferences and where it stands.
insert into content_requests (
    id, organization_id, brand_profile_id, requested_by, title, description,
    content_brief, target_platforms, content_type, template_id, style_preferences,
    keywords, status, status_reason, priority, due_date, processing_started_at,
    processing_completed_at, created_at, updated_at
)
values (
    :id, :organization_id, :brand_profile_id, :requested_by, :title, :description,
    :content_brief, :target_platforms, :content_type, :template_id,
    cast(:style_preferences as jsonb), :keywords, :status, :status_reason, :priority,
    :due_date, :processing_started_at, :processing_completed_at, :created_at, :updated_at
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
