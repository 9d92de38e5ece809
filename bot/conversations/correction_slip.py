"""The correction slip ("Phiếu ghi nhận việc chỉnh điểm"): its text in a person's language, the line
that says how it was decided, and the PDF drawn from them with the evidence photos."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.conversations.review import value_text
from bot.conversations.shared import column_name, offered_for
from domain.corrections import Status, Target, is_periodic_test
from domain.windows import ColumnKind
from exports.service import Exported
from locales import Translator
from storage.db import as_utc
from storage.models import CorrectionRow
from storage.signed_store import PaperKey
from storage.uow import UnitOfWork


async def slip_text(t: Translator, uow: UnitOfWork, request: CorrectionRow, photos: int) -> str:
    """The request as the paper slip reads, in ``t``'s language."""
    lines = [
        t("correction.slip.title", id=request.id) if request.id else t("correction.slip.draft"),
        t("correction.slip.teacher", name=await uow.corrections.staff_name(request.requested_by)),
        await _where_text(t, uow, request),
        t("correction.slip.student", name=await uow.corrections.student_name(request.student_id)),
        t(
            "correction.slip.change",
            old=value_of(t, request, request.old_value),
            new=value_of(t, request, request.new_value),
        ),
        t("correction.slip.reason", reason=request.reason),
    ]
    if request.examiner:
        lines.append(t("correction.slip.examiner", name=request.examiner))
    lines.append(t("correction.slip.photos", count=photos) if photos else t("correction.slip.no_photo"))
    if request.deadline:
        rule = (
            "correction.rule.test"
            if is_periodic_test(ColumnKind(request.kind))
            else "correction.rule.regular"
        )
        key = "correction.slip.late" if request.late else "correction.slip.on_time"
        lines.append(t(key, deadline=request.deadline, rule=t(rule)))
    return "\n".join(lines)


async def _where_text(t: Translator, uow: UnitOfWork, request: CorrectionRow) -> str:
    class_name = await uow.views.class_name(request.class_id)
    if request.target == Target.ABSENCE:
        session = f" ({t(f'correction.session.{request.session}')})" if request.session else ""
        return t("correction.slip.where_absence", class_name=class_name, day=request.day, session=session)
    offered = await offered_for(uow, request.class_id, request.subject_id)
    return t(
        "correction.slip.where",
        class_name=class_name,
        subject=(await uow.views.subject_names()).get(request.subject_id, "?"),
        semester=request.semester,
        column=column_name(t, offered, request.kind, request.position),
    )


def value_of(t: Translator, request: CorrectionRow, value: str | None) -> str:
    if request.target == Target.ABSENCE:
        return t(f"correction.mark.{value or 'present'}")
    return value_text(t, value)


@dataclass
class SlipTexts:
    """The decided request's slip, written once per language."""

    uow: UnitOfWork
    request: CorrectionRow
    photos: int
    written: dict[Translator, str] = field(default_factory=dict)

    async def text(self, t: Translator) -> str:
        if t not in self.written:
            self.written[t] = await slip_text(t, self.uow, self.request, self.photos)
        return self.written[t]


async def outcome(t: Translator, uow: UnitOfWork, request: CorrectionRow) -> str:
    who = await uow.corrections.staff_name(request.decided_by)
    if request.status == Status.APPROVED:
        key = (
            "correction.outcome.approved_absence"
            if request.target == Target.ABSENCE
            else "correction.outcome.approved"
        )
        return t(key, id=request.id, who=who, at=as_utc(request.decided_at))
    return t(
        "correction.outcome.rejected",
        id=request.id,
        who=who,
        at=as_utc(request.decided_at),
        note=request.decision_note,
    )


def slip_name(request: CorrectionRow) -> str:
    return f"phieu-chinh-diem-{request.id}.pdf"


async def slip_key(uow: UnitOfWork, request: CorrectionRow) -> PaperKey:
    class_name = await uow.views.class_name(request.class_id)
    return PaperKey("correction", class_name, (await uow.school.year()).name, str(request.id))


async def slip_paper(t: Translator, uow: UnitOfWork, request: CorrectionRow) -> Exported:
    """The approved slip drawn: its lines, the outcome, the evidence photos, the signature boxes."""
    photos = [photo.content for photo in await uow.corrections.evidence(request.id)]
    lines = (await slip_text(t, uow, request, len(photos))).splitlines()
    lines.append(await outcome(t, uow, request))
    signers = [t("correction.sign.teacher")]
    if request.examiner:
        signers.append(t("correction.sign.examiner"))
    signers.append(t("correction.sign.leader"))
    from exports.correction_slip import slip_pdf  # loaded by the first slip, not with the bot (reportlab)

    content, mark = await asyncio.to_thread(slip_pdf, t, lines[0], lines[1:], photos, signers)
    key = await slip_key(uow, request)
    return Exported(key.kind, key.class_name, key.period, slip_name(request), content, mark)
