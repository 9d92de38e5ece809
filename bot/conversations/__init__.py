"""The conversations of the daily work; each is a flow module (see base.py)."""

from bot.conversations import attendance, comments, conduct, notices, reportcards, results, scores

FLOWS = (scores, comments, results, conduct, attendance, notices, reportcards)
FLOW_BY_NAME = {flow.FLOW: flow for flow in FLOWS}
