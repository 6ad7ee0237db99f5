"""Fetching result files from the URLs a finished task returns, under a strict policy.

Result URLs come from a response body, so they are untrusted input: without a policy
a compromised or spoofed response could point the pipeline at internal services
(SSRF) or at a multi-gigabyte file. Hence: https only, known hosts only, no
redirects, a byte cap enforced while streaming, and never the API key.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from resources.freepik.errors import FreepikDownloadError, FreepikDownloadRefused
from resources.freepik.payloads import require_image_bytes

# Where Freepik serves generated images (signed, expiring URLs).
FREEPIK_CDN_HOSTS = ("ai-statics.freepik.com", "pikaso.cdnpk.net", "img.freepik.com")
DEFAULT_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DownloadPolicy:
    """Which result URLs may be fetched.

    hosts: "name" matches that host exactly, "name:port" also the port, ".domain"
    any subdomain of it. schemes: ("https",) in production; tests add "http" to
    reach the local fake server.
    """

    hosts: tuple[str, ...]
    schemes: tuple[str, ...] = ("https",)
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES


def default_download_hosts(base_url: str) -> tuple[str, ...]:
    """The API's own host plus Freepik's CDN hosts."""
    api_host = (urlsplit(base_url).hostname or "").lower()
    return tuple(dict.fromkeys([api_host, *FREEPIK_CDN_HOSTS]))


def check_url(url: str, policy: DownloadPolicy) -> None:
    """Raise FreepikDownloadRefused unless the URL is allowed by the policy."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in policy.schemes:
        raise FreepikDownloadRefused(
            f"result URL {_shown(url)} refused: scheme {parts.scheme!r} is not "
            f"one of {list(policy.schemes)}"
        )
    host = (parts.hostname or "").lower()
    if not host or not _host_allowed(host, parts.port, policy.hosts):
        raise FreepikDownloadRefused(
            f"result URL {_shown(url)} refused: host {host!r} is not an allowed download host"
        )


def download(http: httpx.Client, url: str, policy: DownloadPolicy) -> bytes:
    """The file at `url`, at most policy.max_bytes, checked to be an image."""
    check_url(url, policy)
    try:
        # no API key header here: result URLs are pre-signed and may sit on a CDN
        with http.stream("GET", url, follow_redirects=False) as response:
            _check_status(response, url)
            data = _read_capped(response, url, policy.max_bytes)
    except httpx.TimeoutException as exc:
        raise FreepikDownloadError(f"download of {_shown(url)} timed out", retryable=True) from exc
    except httpx.TransportError as exc:
        raise FreepikDownloadError(
            f"download of {_shown(url)} failed: {type(exc).__name__}", retryable=True
        ) from exc
    require_image_bytes(data, f"file at {_shown(url)}")
    return data


def _check_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if 300 <= status < 400:
        # a redirect could leave the allowed hosts; signed result URLs never need one
        raise FreepikDownloadRefused(
            f"result URL {_shown(url)} refused: redirect not followed", status=status
        )
    if status >= 400:
        transient = status == 429 or status >= 500
        raise FreepikDownloadError(
            f"download of {_shown(url)} failed", status=status, retryable=transient
        )


def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FreepikDownloadRefused(
            f"result file {_shown(url)} refused: {declared} bytes exceeds the {max_bytes}-byte cap"
        )
    chunks, total = [], 0
    # the header can lie or be absent, so the cap is enforced on what actually arrives
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise FreepikDownloadRefused(
                f"result file {_shown(url)} refused: more than the {max_bytes}-byte cap"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _host_allowed(host: str, port: int | None, allowed: Iterable[str]) -> bool:
    for entry in (a.lower() for a in allowed):
        if entry.startswith("."):
            if host.endswith(entry):
                return True
        elif ":" in entry:
            if port is not None and entry == f"{host}:{port}":
                return True
        elif entry == host:
            return True
    return False


def _shown(url: str) -> str:
    # signed URLs carry tokens in the query; messages and logs get the path only
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
