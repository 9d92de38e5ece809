"""The conversations of the daily work; each is a flow module (see base.py)."""

from bot.conversations import scores

FLOWS = (scores,)
FLOW_BY_NAME = {flow.FLOW: flow for flow in FLOWS}
