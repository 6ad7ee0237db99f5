-- A demo organization's approval workflow: its steps and auto-approval rules.
insert into approval_workflows (
    id, organization_id, name, steps, auto_approval_rules, applies_to_content_types,
    applies_to_platforms, minimum_compliance_score, created_by, created_at, updated_at
)
values (
    :id, :organization_id, :name, cast(:steps as jsonb), cast(:auto_approval_rules as jsonb),
    :applies_to_content_types, :applies_to_platforms, :minimum_compliance_score,
    :created_by, :created_at, :created_at
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
