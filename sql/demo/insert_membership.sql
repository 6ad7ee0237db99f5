-- A demo user's role in one demo organization.
insert into user_organizations (id, user_id, organization_id, role, joined_at)
values (:id, :user_id, :organization_id, :role, :joined_at)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
