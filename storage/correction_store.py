"""Correction requests, their evidence, the one decision that settles each, and applying it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from domain.corrections import Status, Target, same_value
from domain.permissions import LEADERSHIP
from storage.audit import seal
from storage.changes import Author, absence_key, record_change, score_key
from storage.db import as_utc
from storage.gradebook_store import SqlGradebookStore
from storage.models import (
    AbsenceRow,
    AccountRow,
    ChangeRow,
    CorrectionEvidenceRow,
    CorrectionRow,
    ScoreRow,
    StaffRoleRow,
    StaffRow,
    StudentRow,
)
from storage.recipient_store import Recipient

_LEADERS = [role.value for role in LEADERSHIP]


class Decision(StrEnum):
    DONE = "done"
    ALREADY = "already"  # another leader decided first
    MOVED = "moved"  # the value is no longer the one the request corrects


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    author: str | None  # the staff member's name; None for sodiem's own commands (imports, the CLI)
    old: str | None
    new: str | None
    reason: str


class SqlCorrectionStore:
    def __init__(self, session: AsyncSession, gradebook: SqlGradebookStore) -> None:
        self.session = session
        self.gradebook = gradebook
        self._evidence: dict[int, list[CorrectionEvidenceRow]] = {}  # by request, when this unit attached it
        self._evidence_counts: dict[int, int] = {}  # by request, read with the request
        self._staff_names: dict[int, str] = {}
        self._student_names: dict[int, str] = {}  # read with a request, or with the check for one

    async def add_evidence(self, staff_id: int, content: bytes, mime: str, file_id: str, at: datetime) -> int:
        row = CorrectionEvidenceRow(
            staff_id=staff_id, content=content, mime_type=mime, telegram_file_id=file_id, received_at=at
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def evidence(self, correction_id: int) -> list[CorrectionEvidenceRow]:
        if correction_id not in self._evidence:
            rows = await self.session.scalars(
                select(CorrectionEvidenceRow)
                .where(CorrectionEvidenceRow.correction_id == correction_id)
                .order_by(CorrectionEvidenceRow.id)
            )
            self._evidence[correction_id] = list(rows)
        return list(self._evidence[correction_id])

    async def evidence_count(self, correction_id: int) -> int:
        """How many photos the request has, without reading them (or with the request, ``get``)."""
        if correction_id in self._evidence:
            return len(self._evidence[correction_id])
        if correction_id not in self._evidence_counts:
            count = select(func.count()).where(CorrectionEvidenceRow.correction_id == correction_id)
            self._evidence_counts[correction_id] = await self.session.scalar(count) or 0
        return self._evidence_counts[correction_id]

    async def submit(self, request: CorrectionRow, evidence_ids: list[int], author: Author) -> int:
        """Stores the request with its evidence (only photos the same teacher sent) and records it."""
        await self.gradebook.school.require_open(request.year_id)
        self.session.add(request)
        await self.session.flush()
        attached = []
        if evidence_ids:
            attached = await self.session.scalars(
                update(CorrectionEvidenceRow)
                .where(
                    CorrectionEvidenceRow.id.in_(evidence_ids),
                    CorrectionEvidenceRow.staff_id == request.requested_by,
                    CorrectionEvidenceRow.correction_id.is_(None),
                )
                .values(correction_id=request.id)
                .returning(CorrectionEvidenceRow)
            )
        self._evidence[request.id] = sorted(attached, key=lambda row: row.id)
        record_change(
            self.session,
            author,
            "correction",
            str(request.id),
            None,
            f"{Status.PENDING}: {request.old_value} → {request.new_value}",
            request.reason,
        )
        return request.id

    async def get(self, correction_id: int) -> CorrectionRow | None:
        """The request as it stands now, read with what its slip shows: the names of the student and
        of the teacher who asked, and how many photos."""
        photos = select(func.count()).where(CorrectionEvidenceRow.correction_id == CorrectionRow.id)
        found = await self.session.execute(
            select(CorrectionRow, StudentRow.full_name, StaffRow.full_name, photos.scalar_subquery())
            .outerjoin(StudentRow, StudentRow.id == CorrectionRow.student_id)
            .outerjoin(StaffRow, StaffRow.id == CorrectionRow.requested_by)
            .where(CorrectionRow.id == correction_id)
            .execution_options(populate_existing=True)
        )
        row = found.first()
        if row is None:
            return None
        request, student, teacher, self._evidence_counts[correction_id] = row
        self._student_names[request.student_id] = student or "?"
        if request.requested_by:
            self._staff_names[request.requested_by] = teacher or "-"
        return request

    async def pending_for(self, request: CorrectionRow) -> int | None:
        """The id of a request for the same value that is still waiting, if there is one; read with
        the student's name, which the slip of a new request shows."""
        same_place = (
            (CorrectionRow.day == request.day, CorrectionRow.session == request.session)
            if request.target == Target.ABSENCE
            else (
                CorrectionRow.subject_id == request.subject_id,
                CorrectionRow.year_id == request.year_id,
                CorrectionRow.semester == request.semester,
                CorrectionRow.kind == request.kind,
                CorrectionRow.position == request.position,
            )
        )
        waiting = select(CorrectionRow.id).where(
            CorrectionRow.status == Status.PENDING,
            CorrectionRow.target == request.target,
            CorrectionRow.student_id == request.student_id,
            *same_place,
        )
        found = await self.session.execute(
            select(StudentRow.full_name, waiting.limit(1).scalar_subquery()).where(
                StudentRow.id == request.student_id
            )
        )
        name, waiting_id = found.first() or ("?", None)
        self._student_names[request.student_id] = name
        return waiting_id

    async def student_name(self, student_id: int) -> str:
        if student_id not in self._student_names:
            name = await self.session.scalar(select(StudentRow.full_name).where(StudentRow.id == student_id))
            self._student_names[student_id] = name or "?"
        return self._student_names[student_id]

    async def pending(self) -> list[CorrectionRow]:
        rows = await self.session.scalars(
            select(CorrectionRow).where(CorrectionRow.status == Status.PENDING).order_by(CorrectionRow.id)
        )
        return list(rows)

    async def decide(self, correction_id: int, status: Status, author: Author, note: str = "") -> Decision:
        """Settles a pending request. Exactly one decision counts: of two leaders deciding at the same
        moment, the one whose update finds the request still pending wins; the other gets ALREADY.
        An approval whose value has changed since the request was made is not applied (MOVED)."""
        row = await self.session.get(CorrectionRow, correction_id)  # the caller read it: no query
        score = None
        if status is Status.APPROVED and row is not None:
            await self.gradebook.school.require_open(row.year_id)
            if row.target == Target.ABSENCE:
                now = await self.current_value(row)
            else:
                score = await self._saved_score(row)
                now = score.value if score else None
            if not same_value(now, row.old_value):
                return Decision.MOVED
        decision = {"status": status, "decided_by": author.staff_id, "decided_at": author.at}
        result = await self.session.execute(
            update(CorrectionRow)
            .where(CorrectionRow.id == correction_id, CorrectionRow.status == Status.PENDING)
            .values(**decision, decision_note=note)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return Decision.ALREADY
        if row is None:
            return Decision.DONE
        for name, value in {**decision, "decision_note": note}.items():  # as written, not read back
            set_committed_value(row, name, value)
        record_change(self.session, author, "correction", str(correction_id), Status.PENDING, status, note)
        if status is Status.APPROVED:
            await self._apply(row, author, score)
        return Decision.DONE

    async def current_value(self, row: CorrectionRow) -> str | None:
        """What is stored now at the place the request points to."""
        if row.target == Target.ABSENCE:
            absence = await self.session.scalar(
                select(AbsenceRow.mark).where(
                    AbsenceRow.student_id == row.student_id,
                    AbsenceRow.day == row.day,
                    AbsenceRow.session == row.session,
                )
            )
            return absence
        score = await self._saved_score(row)
        return score.value if score else None

    async def _saved_score(self, row: CorrectionRow) -> ScoreRow | None:
        return await self.gradebook.saved_value(
            row.student_id, row.subject_id, row.year_id, row.semester, row.kind, row.position
        )

    async def _apply(self, row: CorrectionRow, author: Author, score: ScoreRow | None) -> None:
        """Writes the approved value, whatever the book's lock says: a correction never needs it opened.
        ``score``: the value stored now, as ``decide`` read it."""
        reason = f"#{row.id}: {row.reason}"
        if row.target == Target.ABSENCE:
            await self._apply_absence(row, author, reason)
            return
        key = score_key(row.student_id, row.subject_id, row.year_id, row.semester, row.kind, row.position)
        record_change(
            self.session, author, "score", key, score.value if score else None, row.new_value, reason
        )
        if score is None:
            score = ScoreRow(
                student_id=row.student_id,
                class_id=row.class_id,
                subject_id=row.subject_id,
                year_id=row.year_id,
                semester=row.semester,
                kind=row.kind,
                position=row.position,
            )
            self.session.add(score)
        score.value, score.entered_by, score.entered_at = row.new_value, row.requested_by, author.at

    async def _apply_absence(self, row: CorrectionRow, author: Author, reason: str) -> None:
        absence = await self.session.scalar(
            select(AbsenceRow).where(
                AbsenceRow.student_id == row.student_id,
                AbsenceRow.day == row.day,
                AbsenceRow.session == row.session,
            )
        )
        old = absence.mark if absence else None
        key = absence_key(row.student_id, row.day, row.session)
        record_change(self.session, author, "absence", key, old, row.new_value, reason)
        if row.new_value is None:
            if absence is not None:
                await self.session.delete(absence)
            return
        absence = absence or AbsenceRow(student_id=row.student_id, day=row.day, session=row.session)
        absence.class_id, absence.mark = row.class_id, row.new_value
        absence.entered_by, absence.entered_at = row.requested_by, author.at
        self.session.add(absence)

    async def history(self, entity: str, key: str) -> list[HistoryEntry]:
        await seal(self.session)  # what this transaction recorded, written first
        rows = await self.session.execute(
            select(ChangeRow, StaffRow.full_name)
            .outerjoin(StaffRow, StaffRow.id == ChangeRow.staff_id)
            .where(ChangeRow.entity == entity, ChangeRow.entity_key == key)
            .order_by(ChangeRow.id)
        )
        return [
            HistoryEntry(as_utc(change.at), name, change.old_value, change.new_value, change.reason)
            for change, name in rows
        ]

    async def absence_history(
        self, student_id: int, year: int, month: int
    ) -> list[tuple[date, int, HistoryEntry]]:
        """Every change of a student's attendance marks in a month: (day, session, change), in order."""
        prefix = f"{student_id}:{year:04d}-{month:02d}-"
        await seal(self.session)
        rows = await self.session.execute(
            select(ChangeRow, StaffRow.full_name)
            .outerjoin(StaffRow, StaffRow.id == ChangeRow.staff_id)
            .where(ChangeRow.entity == "absence", ChangeRow.entity_key.startswith(prefix, autoescape=True))
            .order_by(ChangeRow.id)
        )
        changes = []
        for change, name in rows:
            _, day, session = change.entity_key.split(":")
            entry = HistoryEntry(as_utc(change.at), name, change.old_value, change.new_value, change.reason)
            changes.append((date.fromisoformat(day), int(session), entry))
        return sorted(changes, key=lambda change: (change[0], change[1]))

    async def approvers(self, but: int | None) -> list[Recipient]:
        """The accounts, on every channel, of every active vice-principal and principal but staff ``but``."""
        rows = await self.session.execute(
            select(AccountRow, StaffRow.full_name)
            .join(StaffRow, StaffRow.id == AccountRow.staff_id)
            .where(
                StaffRow.active.is_(True),
                StaffRow.id != (but or 0),
                StaffRow.id.in_(
                    select(StaffRoleRow.staff_id).where(
                        StaffRoleRow.role.in_([role.value for role in LEADERSHIP])
                    )
                ),
            )
            .order_by(AccountRow.id)
        )
        return [Recipient(a.channel, a.external_id, name, a.language) for a, name in rows]

    async def accounts_of(self, staff_id: int | None) -> list[Recipient]:
        """A staff member's accounts on every channel."""
        rows = await self.session.execute(
            select(AccountRow, StaffRow.full_name)
            .join(StaffRow, StaffRow.id == AccountRow.staff_id)
            .where(AccountRow.staff_id == (staff_id or 0))
            .order_by(AccountRow.id)
        )
        return [Recipient(a.channel, a.external_id, name, a.language) for a, name in rows]

    async def staff_name(self, staff_id: int | None) -> str:
        """Read once per unit of work, unless known already: a request's teacher is read with the
        request, and the session holds the person's own row (read with their identity)."""
        if not staff_id:
            return "-"
        if staff_id not in self._staff_names:
            held = self.session.identity_map.get(identity_key(StaffRow, staff_id))
            name = (
                held.full_name
                if held is not None
                else await self.session.scalar(select(StaffRow.full_name).where(StaffRow.id == staff_id))
            )
            self._staff_names[staff_id] = name or "-"
        return self._staff_names[staff_id]
