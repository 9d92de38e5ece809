"""The sandbox: the real bot on a throwaway copy of the demo school, talked to from a web page that
looks like a phone chat, for trying sodiem and training teachers without Telegram."""
