from adapters.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]
