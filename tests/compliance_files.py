"""Image files made byte by byte for the input tests: odd modes, profiles, huge headers."""

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageCms


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_header(width: int, height: int, bit_depth: int = 8, colour_type: int = 2) -> bytes:
    """A PNG whose header claims width × height, with (almost) no pixel data after it."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png_16_bit_rgb(pixels: np.ndarray) -> bytes:
    """A 48-bit RGB PNG of ``pixels`` (h × w × 3, uint16), written directly."""
    height, width, _ = pixels.shape
    rows = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def swapped_primaries_profile() -> bytes:
    """An RGB ICC profile like sRGB but with the red and blue primaries swapped.

    Built from LittleCMS's own sRGB profile by swapping its rXYZ and bXYZ tags, and
    renamed so nothing takes it for sRGB: a pixel (255, 0, 0) in it is blue.
    """
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {}
    for index in range(count):
        start = 132 + 12 * index
        signature, offset, size = struct.unpack(">4sII", data[start : start + 12])
        entries[signature] = (start, offset, size)
    (red_at, red_offset, red_size), (blue_at, blue_offset, blue_size) = (
        entries[b"rXYZ"],
        entries[b"bXYZ"],
    )
    data[red_at + 4 : red_at + 12] = struct.pack(">II", blue_offset, blue_size)
    data[blue_at + 4 : blue_at + 12] = struct.pack(">II", red_offset, red_size)
    data[84:100] = bytes(16)  # the profile id (an MD5) no longer holds: leave it unset
    return bytes(data).replace("sRGB".encode("utf-16-be"), "sBGR".encode("utf-16-be"))


def exif_rotated_jpeg(upright: Image.Image) -> bytes:
    """A JPEG stored on its side, with EXIF orientation 6 ("rotate 90° clockwise to view")."""
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(stored, "JPEG", quality=92, exif=exif.tobytes())
