-- The content request ids between two uuids: a full id (low = high) or every id that starts
-- with a prefix the command line shows (socialpipe/cli/ids.py). A range on the
-- primary key, not a text match, so that it is an index lookup however many rows the
-- table holds. Two rows tell a unique prefix from an ambiguous one; `matches` says how
-- many there are.
select id, count(*) over () as matches
from content_requests
where id between cast(:low as uuid) and cast(:high as uuid)
order by id
limit 2
