-- Every organization's slug, for the one line that lists the choices when a command is
-- given one that does not exist.
select slug
from organizations
order by slug
