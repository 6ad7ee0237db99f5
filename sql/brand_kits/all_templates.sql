select t.*, b.name as brand_name, o.slug as organization_slug
from content_templates as t
inner join brand_profiles as b on b.id = t.brand_profile_id
inner join organizations as o on o.id = t.organization_id
order by o.slug, b.name, t.platform, t.name
