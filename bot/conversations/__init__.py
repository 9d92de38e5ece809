"""The conversations of the daily work; each is a flow module (see base.py)."""

from bot.conversations import attendance, comments, conduct, exports, results, scores

FLOWS = (scores, comments, results, conduct, attendance, exports)
FLOW_BY_NAME = {flow.FLOW: flow for flow in FLOWS}
