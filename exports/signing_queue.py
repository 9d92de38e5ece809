"""What waits for the principal's signature: the class books of every semester that has ended (and the
year's book once the year has), each class's học bạ once the year has ended, and the report cards the
leadership approved. Papers signed already are listed too, marked, for signing again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.errors import DomainError
from domain.report_card import Period
from exports.service import Exported, export_class, export_transcript_pdfs, export_transcripts
from locales import Translator
from storage.uow import UnitOfWork

KINDS = ("gradebook", "reportcards", "transcript")


@dataclass(frozen=True)
class Paper:
    kind: str
    class_id: int
    class_name: str
    period: str
    signed_at: datetime | None = None


async def waiting_papers(uow: UnitOfWork, today: date) -> list[Paper]:
    year = await uow.school.year()
    classes = await uow.views.classes()
    ended = [str(s.number) for s in year.semesters if s.end <= today]
    if len(ended) == len(year.semesters) and ended:
        ended.append("year")
    wanted = [("gradebook", cid, name, period) for cid, name, _ in classes for period in ended]
    if "year" in ended:
        wanted += [("transcript", cid, name, "year") for cid, name, _ in classes]
    names = {cid: name for cid, name, _ in classes}
    for cid, period in await uow.signed.approved_report_cards(list(names)):
        wanted.append(("reportcards", cid, names[cid], period))
    signed = await uow.signed.signed_at(year.name)
    papers = [Paper(*item, signed.get((item[0], item[2], item[3]))) for item in wanted]
    order = {cid: number for number, (cid, _, _) in enumerate(classes)}
    return sorted(papers, key=lambda p: (p.signed_at is not None, KINDS.index(p.kind), order[p.class_id]))


async def drawn_paper(uow: UnitOfWork, paper: Paper, t: Translator) -> list[Exported]:
    """The paper as it is drawn now (a class's học bạ: an XML and a PDF per student)."""
    if paper.kind == "transcript":
        xml = await export_transcripts(uow, paper.class_name)
        return xml + await export_transcript_pdfs(uow, paper.class_name, t)
    if paper.kind not in KINDS:
        raise DomainError("signing.error.kind", kind=paper.kind)
    return [await export_class(uow, paper.kind, paper.class_name, Period(paper.period), t)]
