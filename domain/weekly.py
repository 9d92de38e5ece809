"""Weekly news: when it is sent (a day of the week and a school time, or off), what it may contain,
and the week it covers. Plain Python: the service layer reads and writes, the front ends render."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.text import visible_text

SETTING = "weekly_news"  # "5 17:00" (Monday = 0) or "off"; absent: the default
DEFAULT = "5 17:00"  # Saturday 17:00, school time
OFF = "off"
STILL_MATTERS = timedelta(days=1)  # a week's news missed while the bot was down, sent until a day late
MAX_TEMPLATE = 800  # the greeting before the facts; the whole message stays short

# what a person may type for a day: English, Vietnamese (thứ hai … chủ nhật, t2 … cn) and numbers
DAY_NAMES = {
    0: ("mon", "monday", "t2", "thu2", "thuhai"),
    1: ("tue", "tuesday", "t3", "thu3", "thuba"),
    2: ("wed", "wednesday", "t4", "thu4", "thutu"),
    3: ("thu", "thursday", "t5", "thu5", "thunam"),
    4: ("fri", "friday", "t6", "thu6", "thusau"),
    5: ("sat", "saturday", "t7", "thu7", "thubay"),
    6: ("sun", "sunday", "cn", "chunhat"),
}


class Part(StrEnum):
    ABSENCES = "absences"
    SCORES = "scores"
    COMMENTS = "comments"
    NOTICES = "notices"


ALL_PARTS = tuple(Part)


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Schedule:
    weekday: int  # Monday = 0
    at: time

    def stored(self) -> str:
        return f"{self.weekday} {self.at:%H:%M}"


@dataclass(frozen=True)
class Template:
    id: int
    text: str
    parts: tuple[Part, ...]
    status: Status
    author_id: int | None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def parse_schedule(text: str) -> Schedule | None:
    """ "sat 17:00", "thứ bảy 17:00", "t7 17h", "CN 8:30" → a schedule; "off"/"tắt" → None; anything else a
    DomainError that says what to write."""
    words = text.strip().split()
    if len(words) == 1 and _plain(words[0]) in ("off", "tat", "khong"):
        return None
    if len(words) < 2:
        raise DomainError("weekly.error.schedule", value=text)
    day_word, hour_word = _plain("".join(words[:-1])), words[-1].lower().replace("h", ":")
    weekday = next((day for day, names in DAY_NAMES.items() if day_word in names), None)
    try:
        hours, _, minutes = hour_word.partition(":")
        at = time(int(hours), int(minutes or 0))
    except ValueError:
        at = None
    if weekday is None or at is None:
        raise DomainError("weekly.error.schedule", value=text)
    return Schedule(weekday, at)


def stored_schedule(value: str | None) -> Schedule | None:
    """The school's setting as kept (absent: Saturday 17:00)."""
    value = DEFAULT if value is None else value
    if value == OFF:
        return None
    day, at = value.split()
    hours, minutes = at.split(":")
    return Schedule(int(day), time(int(hours), int(minutes)))


def parse_parts(text: str) -> tuple[Part, ...]:
    """ "absences,scores" → the parts in their fixed order; an unknown or empty list is refused."""
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    unknown = [word for word in words if word not in {part.value for part in Part}]
    if unknown or not words:
        raise DomainError("weekly.error.parts", value=text, known=", ".join(p.value for p in Part))
    return tuple(part for part in Part if part.value in words)


def clean_template(text: str) -> str:
    cleaned = visible_text(text).strip()
    if not cleaned:
        raise DomainError("weekly.error.template_empty")
    if len(cleaned) > MAX_TEMPLATE:
        raise DomainError("weekly.error.template_long", length=len(cleaned), limit=MAX_TEMPLATE)
    return cleaned


def latest_due(schedule: Schedule, now: datetime) -> datetime | None:
    """The latest moment at or before ``now`` (school time, naive or aware alike) the week's news was
    due, if it still matters."""
    days_back = (now.weekday() - schedule.weekday) % 7
    due = datetime.combine(now.date() - timedelta(days=days_back), schedule.at, tzinfo=now.tzinfo)
    if due > now:
        due -= timedelta(days=7)
    return due if now - due <= STILL_MATTERS else None


def week_of(due: datetime) -> tuple[datetime, datetime]:
    """The span a week's news covers: the seven days up to its moment."""
    return due - timedelta(days=7), due
