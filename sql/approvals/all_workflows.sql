-- Every workflow, for the content_approvals asset's report of invalid ones.
select
    w.id, w.name, w.steps, w.auto_approval_rules, w.applies_to_content_types,
    w.applies_to_platforms, w.minimum_compliance_score, o.slug as organization
from approval_workflows as w
inner join organizations as o on w.organization_id = o.id
order by o.slug, w.name
