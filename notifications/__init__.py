"""Messages to people: the outbox dispatcher, the channels behind a small port (Telegram first), and
the scheduled tasks. It knows people and messages, not Telegram; see docs/notices.md."""
