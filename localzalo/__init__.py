"""A local stand-in for the Zalo Bot Platform's HTTP API, with simulated people, for tests."""

from localzalo.people import ZaloMessage, ZaloPerson
from localzalo.server import LocalZaloApi

__all__ = ["LocalZaloApi", "ZaloMessage", "ZaloPerson"]
