"""The platform registry: every platform the bot can run, by name, in the order listed.

Adapter packages declare a `PlatformSpec` (adapters/<name>/spec.py) and
`adapters/__init__.py` registers them, one line each. Settings, the organisation
file's schema, the roster, the CLI and the wiring read the registry, so none of them
names a platform. The registry sits in core because config reads it and config may
not import adapters; it is filled by whoever wires the bot (importing `adapters`).
"""
from __future__ import annotations

from core.platform import PlatformSpec


class UnknownPlatform(KeyError):
    pass


class PlatformRegistry:
    def __init__(self) -> None:
        self._specs: dict[str, PlatformSpec] = {}

    def register(self, spec: PlatformSpec) -> PlatformSpec:
        """Add a platform (again: replace it, so a reloaded module is harmless)."""
        if not spec.name.isidentifier() or spec.name != spec.name.lower():
            raise ValueError(f"a platform name is a lower-case identifier, not {spec.name!r}")
        self._specs[spec.name] = spec
        return spec

    def unregister(self, name: str) -> None:
        self._specs.pop(name, None)

    def get(self, name: str) -> PlatformSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownPlatform(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def all(self) -> list[PlatformSpec]:
        if not self._specs:  # config read before the wiring imported `adapters`
            raise RuntimeError("no platform registered: import adapters first")
        return list(self._specs.values())

    def names(self) -> list[str]:
        return [spec.name for spec in self.all()]

    def with_ids(self) -> list[str]:
        """Platforms whose ids members and chats carry in the organisation file."""
        return [spec.name for spec in self.all() if spec.ids_in_organisation]

    def mirroring(self) -> list[str]:
        """Platforms that mirror the organisation by name (the console)."""
        return [spec.name for spec in self.all() if spec.mirrors_organisation]

    def mirrors(self, name: str) -> bool:
        spec = self._specs.get(name)
        return spec is not None and spec.mirrors_organisation

    def private_chat_id(self, platform: str, user_id: str) -> str:
        spec = self._specs.get(platform)
        return spec.private_chat_id(user_id) if spec is not None else user_id


PLATFORMS = PlatformRegistry()
