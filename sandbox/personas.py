"""Who a visitor of the sandbox can be: five people of the demo school, each with their own chat."""

from __future__ import annotations

from dataclasses import dataclass

PARENT_CLASS = "6A"  # the parent is the guardian of the first student on this class's list


@dataclass(frozen=True)
class Persona:
    key: str  # also names the catalog texts: sandbox.persona.<key>
    user_id: int  # the simulated Telegram user
    staff_code: str | None  # None: the parent

    @property
    def label_key(self) -> str:
        return f"sandbox.persona.{self.key}"


PERSONAS = (
    Persona("subject", 7001, "GV006"),  # Toán in 6B, 7C and 9A; no homeroom class
    Persona("homeroom", 7002, "GV001"),  # homeroom teacher of 6A, Ngữ văn in 6A, 7B and 8C
    Persona("vice_principal", 7003, "CB002"),
    Persona("parent", 7004, None),
    Persona("admin", 7005, "CB003"),
)
BY_KEY = {persona.key: persona for persona in PERSONAS}
