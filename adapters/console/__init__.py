from adapters.console.adapter import ConsoleAdapter, CONSOLE_HELP

__all__ = ["ConsoleAdapter", "CONSOLE_HELP"]
