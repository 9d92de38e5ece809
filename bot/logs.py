"""Log lines for a log collector: one line per event with the time, the person's account number and the
update it belongs to. ``SODIEM_LOG_FORMAT=json`` writes each line as a JSON object; the default is text
for people. At INFO nothing about a person is written but the account number: no names, no messages."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime

from domain.errors import DomainError
from notifications.zalo import masked

FORMATS = ("text", "json")
FORMAT_SETTING = "SODIEM_LOG_FORMAT"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [account=%(account)s update=%(update)s] %(message)s"
# (account number, update id) of the update being handled in this task, for every line it logs
CURRENT_UPDATE: ContextVar[tuple[str, int | None]] = ContextVar("sodiem_update", default=("", None))


class UpdateContext(logging.Filter):
    """Gives every record the account and update of the update being handled ('' and None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.account, record.update = CURRENT_UPDATE.get()
        return True


class HideTokens(logging.Filter):
    """No token in a log line, whoever logs it (the libraries log request URLs, which carry it)."""

    def __init__(self, tokens: Iterable[str | None]) -> None:
        super().__init__()
        self.tokens = [token for token in tokens if token]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._hide(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._hide(logging.Formatter().formatException(record.exc_info))
        return True

    def _hide(self, text: str) -> str:
        for token in self.tokens:
            text = text.replace(token, masked(token))
        return text


# secrets that could reach a line through a library's message (a URL, a header): the web chat's session
# cookie and CSRF token, and a sign-in link's one-time code
SECRETS = re.compile(r"(sodiem_session=|X-CSRF-Token[:=]\s*|[?&]code=)[^\s;&\"']+", re.IGNORECASE)


class HideSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        hidden = SECRETS.sub(r"\1***", text)
        if hidden != text:
            record.msg, record.args = hidden, None
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "account": getattr(record, "account", ""),
            "update": getattr(record, "update", None),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def handler(log_format: str | None, stream=None) -> logging.Handler:
    """A handler writing ``log_format`` ('text' when None or empty) lines to ``stream`` (stderr)."""
    chosen = log_format or "text"
    if chosen not in FORMATS:
        raise DomainError("config.error.bad_log_format", name=FORMAT_SETTING, value=chosen)
    out = logging.StreamHandler(stream or sys.stderr)
    out.addFilter(UpdateContext())
    out.addFilter(HideSecrets())
    out.setFormatter(JsonLines() if chosen == "json" else logging.Formatter(TEXT_FORMAT))
    return out


def configure(log_format: str | None, hidden: Iterable[str | None] = ()) -> None:
    """For ``sodiem run``: INFO and above, one line per event, in the format asked for, with the
    ``hidden`` tokens masked."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    out = handler(log_format)
    out.addFilter(HideTokens(hidden))
    root.addHandler(out)
    root.setLevel(logging.INFO)
