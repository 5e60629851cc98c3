from adapters.slack.spec import SPEC

__all__ = ["SPEC"]
