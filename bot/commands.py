"""Every command has a Vietnamese name without diacritics and an English one; both work. The lists
registered with setMyCommands are per language and show what most people may use."""

from __future__ import annotations

from dataclasses import dataclass

from locales import translator


@dataclass(frozen=True)
class Command:
    key: str  # the catalog key of its description: bot.command.<key>
    vi: str
    en: str

    @property
    def description_key(self) -> str:
        return f"bot.command.{self.key}"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.vi, self.en) if self.vi != self.en else (self.vi,)


START = Command("start", "start", "start")
MENU = Command("menu", "menu", "menu")
HELP = Command("help", "trogiup", "help")
LANGUAGE = Command("lang", "ngonngu", "lang")
CLASSES = Command("classes", "lop", "classes")
CHILDREN = Command("children", "con", "children")
CHANNEL = Command("channel", "kenh", "channel")
CANCEL = Command("cancel", "huy", "cancel")
SCORES = Command("scores", "nhapdiem", "scores")
RESULTS = Command("results", "ketqua", "results")
CONDUCT = Command("conduct", "renluyen", "conduct")
COMMENTS = Command("comments", "nhanxet", "comments")
ATTENDANCE = Command("attendance", "diemdanh", "attendance")
ATTENDANCE_MONTH = Command("attendance_month", "thang", "month")
CORRECT = Command("correct", "suadiem", "correct")
HISTORY = Command("history", "lichsu", "history")
APPROVALS = Command("approvals", "duyet", "approvals")
LOCK = Command("lock", "khoaso", "lock")
UNLOCK = Command("unlock", "moso", "unlock")
LOCK_SCHEDULE = Command("locks", "lichkhoa", "locks")
PROGRESS = Command("progress", "tiendo", "progress")
DISTRIBUTION = Command("distribution", "phodiem", "distribution")
EXPORT = Command("export", "xuat", "export")
NOTICE = Command("notice", "thongbao", "notice")
REPORT_CARDS = Command("reportcards", "phieulienlac", "reportcards")
TRANSFER = Command("transfer", "biendong", "transfer")
YEAR_REVIEW = Command("yearreview", "xetlenlop", "yearreview")
SIGN = Command("sign", "kyso", "sign")
SESSIONS = Command("sessions", "phien", "sessions")

ALL = (
    START,
    MENU,
    HELP,
    LANGUAGE,
    CLASSES,
    SCORES,
    COMMENTS,
    RESULTS,
    CONDUCT,
    ATTENDANCE,
    ATTENDANCE_MONTH,
    CORRECT,
    HISTORY,
    APPROVALS,
    LOCK,
    UNLOCK,
    LOCK_SCHEDULE,
    PROGRESS,
    DISTRIBUTION,
    EXPORT,
    NOTICE,
    REPORT_CARDS,
    TRANSFER,
    YEAR_REVIEW,
    SIGN,
    CHILDREN,
    CHANNEL,
    SESSIONS,
    CANCEL,
)


def registered(language: str) -> list[tuple[str, str]]:
    """(command, description) pairs to register for people whose Telegram speaks ``language``."""
    t = translator(language)
    return [(getattr(command, language), t(command.description_key)) for command in ALL]
