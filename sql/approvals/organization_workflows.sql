select
    id, name, steps, auto_approval_rules, applies_to_content_types, applies_to_platforms,
    minimum_compliance_score
from approval_workflows
where organization_id = :organization_id
order by name
