"""Who signs the school's papers digitally: the principal, or the one vice-principal the school names
(``sodiem school set --signer CODE``)."""

from __future__ import annotations

from domain.permissions import Actor
from domain.school import Role


def may_sign(actor: Actor | None, named_signer: int | None) -> bool:
    if actor is None or not actor.is_staff:
        return False
    if Role.PRINCIPAL in actor.roles:
        return True
    return named_signer is not None and actor.person.id == named_signer and Role.VICE_PRINCIPAL in actor.roles
