-- A demo user. No password hash: nobody can sign in as a demo account.
insert into users (
    id, email, username, password_hash, first_name, last_name, role,
    created_at, updated_at, metadata
)
values (
    :id, :email, :username, null, :first_name, :last_name, :role,
    :created_at, :created_at, cast(:metadata as jsonb)
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
