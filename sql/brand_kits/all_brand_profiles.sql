select b.*, o.slug as organization_slug
from brand_profiles as b
inner join organizations as o on o.id = b.organization_id
order by o.slug, b.name
