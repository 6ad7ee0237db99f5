"""What an approval saw: the exact versions of a request's images.

Every content_approvals row of a round records, in `feedback`, the request's
generated_assets as they were when the round started — id, platform, candidate,
`file_path` (the store key, which carries a hash of the image's bytes) and score —
and `assets_version`, a fingerprint of the (id, file_path) pairs. A decision is
refused when the request's images no longer have that fingerprint.

Regenerating a request's images withdraws the approvals asked about the old ones: the
generation stage calls `void_pending_approvals` in the transaction that takes the
request for processing; once the new images are scored, the content_approvals asset
routes the request into a new round.
"""

import hashlib
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection

from resources.sql_files import sql

REGENERATED = "the request's images were regenerated"


def asset_versions(assets: Iterable[Mapping]) -> list[dict]:
    """generated_assets rows → the JSON an approval keeps of them."""
    return [
        {
            "id": str(a["id"]),
            "platform": a["platform"],
            "variant_type": a["variant_type"],
            "file_path": a["file_path"],
            "compliance_score": None
            if a.get("compliance_score") is None
            else float(a["compliance_score"]),
        }
        for a in assets
    ]


def fingerprint(assets: Iterable[Mapping]) -> str:
    """A digest of the images' identities and contents (their content-addressed keys)."""
    lines = sorted(f"{a['id']}:{a['file_path'] or ''}" for a in assets)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def void_pending_approvals(conn: Connection, request_id: object, reason: str = REGENERATED) -> int:
    """Void the request's pending approvals (in the caller's transaction); how many.

    Decided rows stay as history; each voided row keeps its reason in feedback. Locks
    the request row first, as every writer of approvals does (lock_request.sql).
    """
    conn.execute(sql("approvals/lock_request"), {"request_id": request_id}).first()
    voided = conn.execute(
        sql("approvals/void_pending"), {"request_id": request_id, "reason": reason}
    )
    return len(voided.all())
