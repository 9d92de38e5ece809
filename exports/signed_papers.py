"""Signing a drawn paper and keeping it: the use case the chat (``/kyso``) and the command line
(``--sign``) both call. The paper is signed with the configured signer in a worker thread, then stored
as the current signed paper and recorded in the audit trail. A paper signed before is replaced only when
the signer confirmed (``replace``); both stay in the record. Any fault leaves nothing stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography import x509

from domain.errors import DomainError, NotFound
from exports.service import Exported
from exports.signing_setting import Setting, Stamp
from locales import Translator
from storage.changes import Author
from storage.models import SignedPaperRow
from storage.signed_store import PaperKey
from storage.uow import UnitOfWork

TRANSCRIPTS = ("transcript", "transcript_pdf")  # a học bạ's XML and its PDF: one signed paper each


def paper_key(exported: Exported, year: str) -> PaperKey:
    student = exported.file_name.split("-", 1)[0] if exported.kind in TRANSCRIPTS else ""
    return PaperKey(exported.kind, exported.scope, year, exported.period, student)


async def earlier_signing(uow: UnitOfWork, exported: Exported, year: str) -> SignedPaperRow | None:
    return await uow.signed.current(paper_key(exported, year))


async def sign_and_keep(
    uow: UnitOfWork,
    exported: Exported,
    year: str,
    setting: Setting | None,
    t: Translator,
    author: Author,
    replace: bool = False,
    reason: str = "",
    stamp_of: StampOf | None = None,
) -> SignedPaperRow:
    """Raises DomainError("signing.error.already_signed") for a paper signed before unless ``replace``."""
    key = paper_key(exported, year)
    earlier = await uow.signed.current(key)
    if earlier is not None and not replace:
        raise DomainError(
            "signing.error.already_signed", file=exported.file_name, when=earlier.at, who=earlier.certificate
        )
    data, certificate = await asyncio.to_thread(signed_bytes, exported, setting, t, stamp_of or stamp)
    return await uow.signed.keep(
        author, key, exported.file_name, data, exported.fingerprint, certificate, reason
    )


def signed_bytes(
    exported: Exported, setting: Setting | None, t: Translator, stamp_of: StampOf | None = None
) -> tuple[bytes, str]:
    """The file signed, and the name of the certificate's holder; ``stamp_of`` says what its box says."""
    # Loaded on the first signing, not with the bot: pyHanko and signxml weigh tens of megabytes.
    from exports.signing import open_signer, sign_pdf, subject_name
    from exports.signing_xml import sign_xml

    with open_signer(setting) as signer:
        holder = subject_name(x509.load_der_x509_certificate(signer.signing_cert.dump()))
        if exported.kind == "transcript":  # the XML; every other paper is a PDF
            return sign_xml(exported.data, signer), holder
        return sign_pdf(exported.data, signer, (stamp_of or stamp)(holder, t)), holder


StampOf = Callable[[str, Translator], Stamp]


def stamp(holder: str, t: Translator, now: datetime | None = None) -> Stamp:
    when = now or datetime.now(UTC)
    lines = (
        t("signing.box.signed_by", name=holder),
        t("signing.box.role"),
        t("signing.box.date", when=when),
    )
    return Stamp(holder, t("exports.sign.principal"), lines)


def slip_stamp(approver: str) -> StampOf:
    """A correction slip's box: under "Ban giám hiệu duyệt", the school's certificate and the leader who
    approved the correction."""

    def made(holder: str, t: Translator) -> Stamp:
        lines = (
            t("signing.box.signed_by", name=holder),
            t("signing.box.approved_by", name=approver),
            t("signing.box.date", when=datetime.now(UTC)),
        )
        return Stamp(holder, t("correction.sign.leader").splitlines()[0], lines)

    return made


async def fetch_signed(uow: UnitOfWork, key: PaperKey) -> SignedPaperRow:
    row = await uow.signed.current(key)
    if row is None:
        raise NotFound(
            "signing.error.nothing_signed", kind=key.kind, class_name=key.class_name, period=key.period
        )
    return row
