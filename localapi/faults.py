"""Faults a test injects into the answers of the local Bot API."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    TOO_MANY_REQUESTS = "429"  # refused with retry_after, nothing delivered
    BAD_GATEWAY = "502"  # refused, nothing delivered
    LOST_RESPONSE = "lost_response"  # delivered, but the connection drops before the answer


@dataclass
class Fault:
    kind: FaultKind
    methods: frozenset[str]
    remaining: int | None  # None: until cleared
    probability: float
    retry_after: int


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self._rules: list[Fault] = []
        self._random = random.Random(seed)

    def add(self, fault: Fault) -> None:
        self._rules.append(fault)

    def clear(self) -> None:
        self._rules.clear()

    def draw(self, method: str) -> Fault | None:
        """The fault that strikes this call, if any; each strike uses up one of the rule's count."""
        for rule in self._rules:
            if method not in rule.methods or rule.remaining == 0:
                continue
            if self._random.random() < rule.probability:
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule
        return None
