-- A demo organization; its logo is its main brand's.
insert into organizations (
    id, name, slug, description, industry, website_url,
    logo_url, created_by, created_at, updated_at, settings
)
values (
    :id, :name, :slug, :description, :industry, :website_url, :logo_url,
    :created_by, :created_at, :created_at, cast(:settings as jsonb)
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
