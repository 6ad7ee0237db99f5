-- A demo brand kit's profile: palette, fonts, voice and enforcement level.
insert into brand_profiles (
    id, organization_id, name, primary_color, secondary_color, accent_color,
    color_palette, primary_font, secondary_font, logo_primary_url, brand_voice_tone,
    enforcement_level, minimum_compliance_score, created_by, created_at, updated_at
)
values (
    :id, :organization_id, :name, :primary_color, :secondary_color, :accent_color,
    cast(:color_palette as jsonb), :primary_font, :secondary_font, :logo_primary_url,
    :brand_voice_tone, :enforcement_level, :minimum_compliance_score, :created_by,
    :created_at, :created_at
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
