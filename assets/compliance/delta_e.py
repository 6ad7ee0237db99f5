"""Colour maths on many colours at once: sRGB → CIELAB (D65) and ΔE2000, in numpy.

Brand colours are converted by coloraide when the kit loads (assets/brand_kits/colors.py);
here thousands of image colours are converted in one vectorised step. The sRGB→XYZ
matrix and the white point are taken from coloraide itself, so both paths agree
(tests/test_compliance_rules.py checks it against coloraide's own ΔE2000).
"""

from functools import cache

import numpy as np
from coloraide import Color

from assets.brand_kits import LAB_SPACE

EPSILON = 216 / 24389
_TAU = 2 * np.pi
_POW25_7 = 25.0**7
_RAD6, _RAD25, _RAD30, _RAD60 = np.radians([6, 25, 30, 60])
_RAD63, _RAD275 = np.radians([63, 275])
KAPPA = 24389 / 27


@cache
def srgb_to_xyz_matrix() -> tuple[np.ndarray, np.ndarray]:
    """coloraide's linear-sRGB → XYZ-D65 matrix (columns: R, G, B) and its D65 white."""
    columns = [Color("srgb-linear", basis).convert("xyz-d65").coords() for basis in np.eye(3)]
    white = Color("srgb", [1, 1, 1]).convert("xyz-d65").coords()
    return np.array(columns).T, np.array(white)


def linearize(srgb: np.ndarray) -> np.ndarray:
    """sRGB 0..1 (gamma-encoded) → linear light."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB colours 0..255 (any shape ending in 3) → CIELAB D65 (coloraide's 'lab-d65')."""
    matrix, white = srgb_to_xyz_matrix()
    xyz = linearize(np.asarray(rgb, dtype=np.float64) / 255.0) @ matrix.T / white
    f = np.where(xyz > EPSILON, np.cbrt(xyz), (KAPPA * xyz + 16) / 116)
    return np.stack(
        (116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])),
        axis=-1,
    )


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 between CIELAB arrays that broadcast ((n, 1, 3) against (1, m, 3) → (n, m)).

    Sharma, Wu & Dalal (2005), with kL = kC = kH = 1; angles kept in radians.
    """
    lab1, lab2 = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 1.5 - 0.5 * np.sqrt(c7 / (c7 + _POW25_7))  # 1 + G
    a1p, a2p = a1 * g, a2 * g
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.arctan2(b1, a1p) % _TAU
    h2p = np.arctan2(b2, a2p) % _TAU
    chroma_product = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > np.pi, dh - _TAU, np.where(dh < -np.pi, dh + _TAU, dh))
    dh_big = 2 * np.sqrt(chroma_product) * np.sin(dh / 2)  # 0 where a chroma is 0

    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= np.pi,
        h_sum / 2,
        np.where(h_sum < _TAU, (h_sum + _TAU) / 2, (h_sum - _TAU) / 2),
    )
    h_mean = np.where(chroma_product == 0, h_sum, h_mean)
    t = (
        1
        - 0.17 * np.cos(h_mean - _RAD30)
        + 0.24 * np.cos(2 * h_mean)
        + 0.32 * np.cos(3 * h_mean + _RAD6)
        - 0.20 * np.cos(4 * h_mean - _RAD63)
    )
    cp_mean = (c1p + c2p) / 2
    cp7 = cp_mean**7
    r_c = 2 * np.sqrt(cp7 / (cp7 + _POW25_7))
    rotation = -r_c * np.sin(_RAD60 * np.exp(-(((h_mean - _RAD275) / _RAD25) ** 2)))
    l50 = ((l1 + l2) / 2 - 50) ** 2
    dl = (l2 - l1) / (1 + 0.015 * l50 / np.sqrt(20 + l50))
    dc = (c2p - c1p) / (1 + 0.045 * cp_mean)
    dh_term = dh_big / (1 + 0.015 * cp_mean * t)
    return np.sqrt(dl * dl + dc * dc + dh_term * dh_term + rotation * dc * dh_term)


def hex_of(rgb: np.ndarray | tuple) -> str:
    r, g, b = (int(round(float(v))) for v in rgb)
    return f"#{r:02X}{g:02X}{b:02X}"


def lab_of_hex(hex_value: str) -> np.ndarray:
    """One colour through coloraide (for tests and one-off colours, not pixels)."""
    return np.array(Color(hex_value).convert(LAB_SPACE).coords())
