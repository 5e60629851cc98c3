from adapters.console.spec import SPEC

__all__ = ["SPEC"]
