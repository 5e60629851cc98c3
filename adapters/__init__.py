"""Platform adapters, one package each. Every platform the bot can run is listed
here, once: the registry (core/registry.py) is what the rest of the house reads."""
from adapters.console.spec import SPEC as CONSOLE
from adapters.phone.spec import SPEC as PHONE
from adapters.slack.spec import SPEC as SLACK
from adapters.telegram.spec import SPEC as TELEGRAM
from core.registry import PLATFORMS

for _spec in (CONSOLE, TELEGRAM, SLACK, PHONE):
    PLATFORMS.register(_spec)
