"""The web front end: the bot's flows in the browser, for staff and parents where Telegram is blocked."""
