-- Which of the slugs given to `socialpipe gallery build --org` name an organization.
with given as (
    select unnest(cast(:slugs as text[])) as slug
)

select g.slug, o.id is not null as known
from given as g
left join organizations as o on g.slug = o.slug
order by g.slug
