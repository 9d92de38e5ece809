"""A local stand-in for the Zalo Bot Platform's HTTP API, with simulated people, for tests."""

from localzalo.server import LocalZaloApi, ZaloMessage, ZaloPerson

__all__ = ["LocalZaloApi", "ZaloMessage", "ZaloPerson"]
