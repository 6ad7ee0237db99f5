-- `socialpipe jobs --org SLUG`: the organization a slug names (none if unknown).
select id, slug
from organizations
where slug = :slug
