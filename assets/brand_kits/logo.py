"""Logo safety: which URLs may be fetched, and decoding untrusted image bytes.

A logo URL must be https with a public host name. IP literals of any kind and
names that mean this machine or a private network ("localhost", "*.local", ...)
are refused before any fetch. Names are not resolved here: the injected fetcher
must itself refuse connections to private addresses and must not follow
redirects to them (DNS can point a public name anywhere).
"""

import ipaddress
import re
import warnings
from io import BytesIO
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 20 * 1024 * 1024
# far above any real logo, far below what would exhaust a worker's memory
MAX_LOGO_PIXELS = 40_000_000
MIN_LOGO_SIDE = 64  # smaller logos are upscaled into the zone: a warning
# raster formats only: Pillow hands EPS to Ghostscript, never run that on uploads
LOGO_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
# forms some resolvers read as IPv4 (2130706433, 0x7f.1, 127.1, 0177.0.0.1)
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+))*\.?$", re.IGNORECASE)


class LogoError(ValueError):
    pass


def check_logo_url(url: str) -> str:
    """``url`` if it is safe to fetch; LogoError saying why not otherwise. Never fetches."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as exc:
        raise LogoError(f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() != "https":
        raise LogoError(f"{url!r} is not an https URL")
    if not host:
        raise LogoError(f"{url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise LogoError(f"{url!r} carries credentials")
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        address = None
    if address is not None or _NUMERIC_HOST.match(host):
        kind = _kind(address) if address is not None else "numeric"
        raise LogoError(f"{url!r}: the host is a {kind} IP address; only host names are fetched")
    name = host.rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES) or "." not in name:
        raise LogoError(f"{url!r}: the host {host!r} names a local or private network")
    return url.strip()


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for kind in ("loopback", "link_local", "private", "reserved", "multicast", "unspecified"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return "public"


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def is_public_address(address: str) -> bool:
    """For fetchers: whether a resolved address may be connected to."""
    return _is_public(ipaddress.ip_address(address))


def decode_logo(data: bytes) -> tuple[Image.Image, str | None]:
    """The fully decoded logo in RGBA and its format; LogoError if unsafe or undecodable."""
    if not data:
        raise LogoError("the file is empty")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(f"the file is {len(data):,} bytes, over the {MAX_LOGO_BYTES:,} byte limit")
    bomb = f"more than {MAX_LOGO_PIXELS // 1_000_000} MP (decompression-bomb protection)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=LOGO_FORMATS) as image:
                width, height = image.size
                # checked on the header, before a single pixel is decoded
                if width * height > MAX_LOGO_PIXELS:
                    raise LogoError(f"the image claims {width}×{height} pixels, {bomb}")
                image_format = image.format
                image.seek(0)  # the first frame of an animation
                logo = image.convert("RGBA")
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LogoError(f"the image claims {bomb}: {exc}") from None
    except UnidentifiedImageError:
        formats = ", ".join(LOGO_FORMATS)
        raise LogoError(f"the file is not an image in a supported format ({formats})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise LogoError(f"the image does not decode: {exc}") from None
    if logo.getchannel("A").getextrema()[1] == 0:
        raise LogoError("the image is fully transparent")
    return logo, image_format
