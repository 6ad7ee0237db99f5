"""Brand font names ("DejaVu Serif", "DejaVu Serif Bold") resolved to font files.

The system font folders are indexed once per process by reading each file's own
family and style names with FreeType (no fontconfig, no matplotlib). A name
matches "<family> <style>", "<family>" (for the regular face) or the file name,
ignoring case, spaces and punctuation; an absolute path to a font file works too.

Fallback (a warning, never an error): when a name is unset or matches nothing,
the kit uses DejaVu Sans if installed, else Pillow's bundled FreeType font
(``ImageFont.load_default``, Aileron Regular); ``ResolvedFont.fallback`` is True
and ``fallback_reason`` says why.
"""

import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont
from pydantic import BaseModel, ConfigDict

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
REGULAR_STYLES = {"regular", "book", "normal", "roman", "medium"}
DEFAULT_FAMILY = "DejaVu Sans"
# the bundled font has no file; this stands in for its path in metadata
PILLOW_DEFAULT = "pillow:load_default"


def default_font_dirs() -> tuple[Path, ...]:
    """SOCIALPIPE_FONT_DIRS (os.pathsep-separated) first, then the usual system folders."""
    extra = [Path(p) for p in os.environ.get("SOCIALPIPE_FONT_DIRS", "").split(os.pathsep) if p]
    home = Path.home()
    return (
        *extra,
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local/share/fonts",
    )


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int  # face index inside a .ttc collection
    family: str
    style: str


class ResolvedFont(BaseModel):
    model_config = ConfigDict(frozen=True)

    requested: str | None
    family: str
    style: str
    path: str  # a font file, or PILLOW_DEFAULT
    index: int = 0
    bold_path: str  # the family's bold face; the regular face when the family has none
    bold_index: int = 0
    fallback: bool = False
    fallback_reason: str | None = None


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _faces_in(path: Path) -> Iterable[FontFace]:
    for index in range(16 if path.suffix.lower() == ".ttc" else 1):
        try:
            family, style = ImageFont.truetype(str(path), 12, index=index).getname()
        except (OSError, ValueError):
            return  # not a font, or past the collection's last face
        if family:
            yield FontFace(str(path), index, family, style or "Regular")


@cache
def font_index(font_dirs: tuple[Path, ...]) -> tuple[FontFace, ...]:
    """Every readable face under ``font_dirs``, in path order (deterministic)."""
    files = sorted(
        {
            file
            for folder in font_dirs
            if folder.is_dir()
            for file in folder.rglob("*")
            if file.suffix.lower() in FONT_SUFFIXES and file.is_file()
        }
    )
    return tuple(face for file in files for face in _faces_in(file))


def _matches(name: str, faces: Sequence[FontFace]) -> list[FontFace]:
    key = _key(name)
    found = [
        face
        for face in faces
        if key
        in {
            _key(face.family + face.style),
            _key(Path(face.path).stem),
            *([_key(face.family)] if _key(face.style) in REGULAR_STYLES else []),
        }
    ]
    # the regular face first when a bare family name also matched other faces' file names
    return sorted(found, key=lambda face: (_key(face.style) not in REGULAR_STYLES, face.path))


def _bold_of(face: FontFace, faces: Sequence[FontFace]) -> FontFace:
    if "bold" in _key(face.style):
        return face
    # the same width/slant with bold weight: "Condensed" -> "Condensed Bold", "Book" -> "Bold"
    base = "" if _key(face.style) in REGULAR_STYLES else _key(face.style)
    bold = [f for f in faces if f.family == face.family and _key(f.style) == base + "bold"]
    return bold[0] if bold else face


def _resolved(face: FontFace, faces: Sequence[FontFace], requested: str | None, **extra) -> dict:
    bold = _bold_of(face, faces)
    return {
        "requested": requested,
        "family": face.family,
        "style": face.style,
        "path": face.path,
        "index": face.index,
        "bold_path": bold.path,
        "bold_index": bold.index,
        **extra,
    }


def resolve_font(name: str | None, font_dirs: Sequence[Path] | None = None) -> ResolvedFont:
    """The font file for a brand font name; a fallback (with its reason) when there is none."""
    faces = font_index(tuple(font_dirs) if font_dirs is not None else default_font_dirs())
    if name and name.strip():
        candidate = Path(name.strip())
        if candidate.is_absolute() and candidate.suffix.lower() in FONT_SUFFIXES:
            own = list(_faces_in(candidate)) if candidate.is_file() else []
            if own:
                return ResolvedFont(**_resolved(own[0], own, name))
            reason = f"font file {name!r} is missing or unreadable"
        else:
            found = _matches(name, faces)
            if found:
                return ResolvedFont(**_resolved(found[0], faces, name))
            reason = f"no installed font matches {name!r}"
    else:
        reason = "no font set"
    default = _matches(DEFAULT_FAMILY, faces)
    if default:
        return ResolvedFont(
            **_resolved(default[0], faces, name, fallback=True, fallback_reason=reason)
        )
    return ResolvedFont(
        requested=name,
        family="Aileron",
        style="Regular",
        path=PILLOW_DEFAULT,
        bold_path=PILLOW_DEFAULT,
        fallback=True,
        fallback_reason=f"{reason}; {DEFAULT_FAMILY} is not installed either, "
        "using Pillow's bundled font",
    )


# FreeType faces are not safe to share between threads: one cache per thread
_loaded = threading.local()


def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    cached = _loaded.__dict__.setdefault("fonts", {})
    key = (path, index, size)
    if key not in cached:
        if len(cached) > 512:
            cached.clear()
        if path == PILLOW_DEFAULT:
            cached[key] = ImageFont.load_default(size)  # a FreeType font since Pillow 10.1
        else:
            cached[key] = ImageFont.truetype(path, size, index=index)
    return cached[key]


def load_font(font: ResolvedFont, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """``font`` at ``size`` px (its bold face when ``bold``); cached, treat as read-only."""
    if bold:
        return _load(font.bold_path, font.bold_index, size)
    return _load(font.path, font.index, size)


def font_file(font: ResolvedFont, *, bold: bool = False) -> str:
    return font.bold_path if bold else font.path
