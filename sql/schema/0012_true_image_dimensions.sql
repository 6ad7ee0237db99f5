-- True image dimensions (issue 15). Masters recorded the platform's primary size,
-- not their file's: a story master (1080x1920) said 1080x1080. A master is saved at
-- its template's canvas, unresized, and the render record holds that canvas, so the
-- canvas is the file's size. The format is the file's type, named by its extension
-- (the generator names files by the format it encodes). Every row is kept; rows with
-- no render record keep their width and height.
with recorded as (
    select
        id,
        generation_parameters -> 'render' -> 'canvas' as canvas,
        lower(substring(file_path from '\.([A-Za-z0-9]+)$')) as extension
    from generated_assets
    where file_path is not null
),

repaired as (
    select
        id,
        case when jsonb_typeof(canvas -> 'width') = 'number'
                  and jsonb_typeof(canvas -> 'height') = 'number'
             then jsonb_build_object('width', canvas -> 'width', 'height', canvas -> 'height')
             else '{}'::jsonb
        end
        || case extension
               when 'jpg' then '{"format": "jpeg"}'::jsonb
               when 'jpeg' then '{"format": "jpeg"}'::jsonb
               when 'png' then '{"format": "png"}'::jsonb
               when 'webp' then '{"format": "webp"}'::jsonb
               else '{}'::jsonb
           end as correction
    from recorded
)

update generated_assets as g
set dimensions = coalesce(g.dimensions, '{}'::jsonb) || r.correction
from repaired as r
where r.id = g.id
  and r.correction <> '{}'::jsonb;
