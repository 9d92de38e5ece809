"""The conversations of the daily work; each is a flow module (see base.py)."""

from bot.conversations import (
    approvals,
    attendance,
    comments,
    conduct,
    corrections,
    distribution,
    exports,
    locking,
    notices,
    progress,
    reportcards,
    results,
    scores,
    signing,
    transfers,
    weekly,
    yearreview,
)

FLOWS = (
    scores,
    comments,
    results,
    conduct,
    attendance,
    corrections,
    approvals,
    locking,
    progress,
    distribution,
    exports,
    notices,
    reportcards,
    transfers,
    yearreview,
    signing,
    weekly,
)
FLOW_BY_NAME = {flow.FLOW: flow for flow in FLOWS}
