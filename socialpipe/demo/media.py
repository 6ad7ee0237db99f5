"""Writing demo images into the local image store (README "Configuration": IMAGE_STORE_URL).

``file_path`` in the database is the store key: a relative path with forward
slashes under the media folder. Files are written to a temporary name in the
same folder and renamed into place, so a reader (or a crash) never sees half
an image. An existing file that already decodes at the expected size is kept,
which makes a second load cheap and leaves the first load's bytes untouched.
"""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFont, UnidentifiedImageError

# Brand font family -> DejaVu file. Pillow searches the system font folders for
# the bare file name; when the file is missing, the bundled default font is used
# (the real font resolution with fallbacks belongs to the brand-kit stage).
_FONT_FILES = {
    ("DejaVu Sans", False): "DejaVuSans.ttf",
    ("DejaVu Sans", True): "DejaVuSans-Bold.ttf",
    ("DejaVu Serif", False): "DejaVuSerif.ttf",
    ("DejaVu Serif", True): "DejaVuSerif-Bold.ttf",
    ("DejaVu Sans Mono", False): "DejaVuSansMono.ttf",
    ("DejaVu Sans Mono", True): "DejaVuSansMono-Bold.ttf",
}


@dataclass(frozen=True)
class StoredImage:
    key: str  # store key, relative to the media folder
    url: str  # file:// URL of the stored file
    size_bytes: int
    width: int
    height: int

    @property
    def dimensions(self) -> dict[str, int]:
        return {"width": self.width, "height": self.height}


def load_font(family: str, size: int, *, bold: bool = False) -> ImageFont.ImageFont:
    """The brand font at ``size`` px, or Pillow's bundled font when it is not installed."""
    filename = _FONT_FILES.get((family, bold), "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(filename, size)
    except OSError:
        return ImageFont.load_default(size)


def store_image(
    media_dir: Path,
    key: str,
    size: tuple[int, int],
    render: Callable[[], Image.Image],
    image_format: str,
    **save_options: object,
) -> StoredImage:
    """Make sure ``media_dir/key`` holds a valid image of ``size``; render it if not."""
    path = media_dir / key
    if not _is_valid_image(path, size):
        image = render()
        if image.size != size:
            raise ValueError(f"rendered {key} at {image.size}, expected {size}")
        _save_atomically(image, path, image_format, save_options)
    return StoredImage(
        key=key,
        url=path.resolve().as_uri(),
        size_bytes=path.stat().st_size,
        width=size[0],
        height=size[1],
    )


def _is_valid_image(path: Path, size: tuple[int, int]) -> bool:
    if not path.is_file():
        return False
    try:
        with Image.open(path) as image:
            image.verify()  # checks the file's structure without a full decode
            return image.size == size
    except (OSError, UnidentifiedImageError, SyntaxError):
        return False


def _save_atomically(
    image: Image.Image, path: Path, image_format: str, save_options: dict[str, object]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # same folder as the target, so os.replace is a rename on one file system
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            image.save(stream, format=image_format, **save_options)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
