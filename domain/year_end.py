"""The year-end review (xét lên lớp): the status each student ends the year with, and which of a
class's lists count. A class has lists for the ``year`` stage (after the last scores) and, when some
students re-test or train in the summer, the ``summer`` stage; an approved summer list replaces the
year list for the students on it, and both are kept."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    YEAR = "year"
    SUMMER = "summer"


class ReviewState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Outcome(StrEnum):
    """A student's status at the end of a stage; the catalog key is ``year_end.outcome.<value>``."""

    PROMOTED = "promoted"  # lên lớp (or, in the last grade, finished the level)
    RETEST = "retest"  # kiểm tra lại in the summer
    SUMMER_TRAINING = "summer_training"  # rèn luyện trong hè
    RETAINED = "retained"  # ở lại lớp

    @property
    def settled(self) -> bool:
        """Whether the status is final: re-test and summer training wait for the summer lists."""
        return self in (Outcome.PROMOTED, Outcome.RETAINED)
