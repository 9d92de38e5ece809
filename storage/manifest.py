"""A backup's manifest, ``NAME.manifest.json`` beside it: the schema version, counts, the audit head,
the file's SHA-256, and an HMAC-SHA-256 of all that with the school key (``derived_key("backup")``).
Whoever changes the file, even recomputing its checksum, cannot sign the manifest again without the key."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from storage.audit import current_head
from storage.migrate import head_revision
from storage.models import AbsenceRow, ChangeRow, ConductRow, ScoreRow, StudentRow
from storage.school_key import derived_key

FORMAT = 1
COUNTED = {"students": StudentRow, "scores": ScoreRow, "conduct": ConductRow, "absences": AbsenceRow}


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


async def backup_facts(session: AsyncSession) -> dict:
    counts = {
        name: await session.scalar(select(func.count()).select_from(row)) for name, row in COUNTED.items()
    }
    counts["log_entries"] = await session.scalar(select(func.count()).select_from(ChangeRow))
    schema = await session.scalar(text("SELECT version_num FROM alembic_version"))
    # an older release's database (the backup before an upgrade) has no keyed head to name yet
    head = await current_head(session) if schema == head_revision() else ""
    return {"schema": schema, "counts": counts, "audit_head": head}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _signature(body: dict) -> str:
    content = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    return hmac.new(derived_key("backup"), content, hashlib.sha256).hexdigest()


def write_manifest(backup: Path, facts: dict) -> Path:
    body = {"format": FORMAT, "file": backup.name, "size": backup.stat().st_size, **facts}
    body["sha256"] = file_sha256(backup)
    path = manifest_path(backup)
    path.write_text(json.dumps({**body, "hmac": _signature(body)}, ensure_ascii=False, indent=2) + "\n")
    return path


def check_manifest(backup: Path) -> dict:
    """The manifest's facts, or a DomainError saying why the file is not to be trusted."""
    path = manifest_path(backup)
    if not backup.is_file():
        raise DomainError("backup.error.no_file", value=str(backup))
    try:
        body = json.loads(path.read_text())
        signature = body.pop("hmac")
    except FileNotFoundError as error:
        raise DomainError("backup.error.no_manifest", value=str(backup), manifest=path.name) from error
    except (OSError, ValueError, KeyError, AttributeError) as error:
        raise DomainError("backup.error.bad_manifest", value=path.name) from error
    if not hmac.compare_digest(str(signature), _signature(body)):
        raise DomainError("backup.error.bad_signature", value=path.name)
    if body.get("file") != backup.name:
        raise DomainError("backup.error.other_file", value=backup.name, expected=str(body.get("file")))
    if backup.stat().st_size != body.get("size") or file_sha256(backup) != body.get("sha256"):
        raise DomainError("backup.error.changed", value=backup.name)
    return body
