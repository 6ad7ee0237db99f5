"""Platform variants (docs/PLACEMENTS.md, "Variants: what every placement gets"): every placement
of a generated asset.

Plain modules, no Dagster (definitions.py holds the asset and its checks):

- crops.py      frame planning: zones whole and clear of overlay areas, else least loss
- focus.py      content-aware framing without zones (libvips smartcrop)
- decode.py     one decode: header checks, shrink-on-load, sRGB, EXIF orientation
- encode.py     the highest quality under a byte limit, usually in one encode
- similarity.py SSIM on a stratified tile sample at full resolution
- render.py     render_variants(): all of the above for one source image
- pool.py       a process pool across images
- batch.py      one run against the database and image store; records.py replaces rows
"""

from assets.variants.render import RenderedSource, RenderOptions, Rendition, render_variants

__all__ = ["RenderOptions", "RenderedSource", "Rendition", "render_variants"]
