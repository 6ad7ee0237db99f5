-- A demo brand's content template for one placement.
insert into content_templates (
    id, brand_profile_id, name, template_type, platform, format_specifications,
    layout_config, text_zones, image_zones, brand_elements, created_by, created_at, updated_at
)
values (
    :id, :brand_profile_id, :name, :template_type, :platform,
    cast(:format_specifications as jsonb), cast(:layout_config as jsonb),
    cast(:text_zones as jsonb), cast(:image_zones as jsonb), cast(:brand_elements as jsonb),
    :created_by, :created_at, :created_at
)
-- a demo database loaded by an earlier version gets this version's layout (e.g. zones
-- kept out of overlay areas added since), or its templates would fail validation
on conflict (id) do update set
    format_specifications = excluded.format_specifications,
    layout_config = excluded.layout_config,
    text_zones = excluded.text_zones,
    image_zones = excluded.image_zones,
    updated_at = now()
where content_templates.brand_profile_id = excluded.brand_profile_id
  and (
      content_templates.format_specifications, content_templates.layout_config,
      content_templates.text_zones, content_templates.image_zones
  ) is distinct from (
      excluded.format_specifications, excluded.layout_config,
      excluded.text_zones, excluded.image_zones
  )
