"""The gallery (README "Demo"): static HTML pages of every request, no server needed.

Plain modules, no Dagster:

- load.py          the requests, images, variants and approvals (sql/gallery/*.sql)
- model.py         what a page shows, parsed from the rows and `compliance_details`
- links.py         image paths relative to the local media folder, else public URLs
- markup.py        an escape-by-default HTML builder; style.py the inline stylesheet
- index_page.py    the front page; request_page.py one page per request
- compliance_load.py, compliance_page.py, charts.py  "Compliance vs engagement"
- write.py         atomic, skip-if-unchanged writes; build.py puts it all together
"""

from socialpipe.gallery.build import GalleryBuild, build_gallery
from socialpipe.gallery.links import MediaLinks

__all__ = ["GalleryBuild", "MediaLinks", "build_gallery"]
