from adapters.telegram.spec import SPEC

__all__ = ["SPEC"]
