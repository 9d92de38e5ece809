"""Use cases: each written once over the unit of work and the domain, called by every front end
(Telegram, Zalo, the web, the command line, the scheduler's jobs, the benchmarks).

A front end parses, calls one function here with plain ids and values, and renders the answer.
See docs/architecture.md, "Where a use case lives".
"""
