-- organization names by id (the organizations named by slug; all of them when none is)
select id::text as id, slug, name
from organizations
where cast(:organizations as text[]) is null or slug = any(cast(:organizations as text[]))
order by name
