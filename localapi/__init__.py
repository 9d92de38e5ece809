"""A local stand-in for the Telegram Bot API, with simulated people, for tests and benchmarks."""

from localapi.errors import ApiError
from localapi.methods import SENDING_METHODS, Refusal
from localapi.people import Person
from localapi.ratelimit import RateLimits
from localapi.server import LocalBotApi
from localapi.world import CallbackQuery, StoredMessage

__all__ = [
    "SENDING_METHODS",
    "ApiError",
    "CallbackQuery",
    "LocalBotApi",
    "Person",
    "RateLimits",
    "Refusal",
    "StoredMessage",
]
