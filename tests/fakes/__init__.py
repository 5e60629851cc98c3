"""In-process fakes of the platforms the bot talks to (Slack, Telegram), for tests."""
