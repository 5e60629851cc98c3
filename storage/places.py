"""The gazetteer's places kept in the database: imported, or remembered from corrections."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KnownPlace


class PlaceRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def all(self) -> list[KnownPlace]:
        return list(await self.session.scalars(select(KnownPlace).order_by(KnownPlace.added_at, KnownPlace.name)))

    async def put(self, name: str, *, kind: str, town: str | None, latitude: float | None,
                  longitude: float | None, source: str, by: str, now: datetime) -> bool:
        """Add or update one place; True when it changed anything."""
        place = await self.session.get(KnownPlace, name)
        values = dict(kind=kind, town=town, latitude=latitude, longitude=longitude)
        if place is None:
            self.session.add(KnownPlace(name=name, source=source, added_at=now, added_by=by, **values))
            return True
        if source == "correction":  # a corrected name is known already: keep what the import said
            return False
        if all(getattr(place, k) == v for k, v in values.items()):
            return False
        for k, v in values.items():
            setattr(place, k, v)
        place.source, place.added_at, place.added_by = source, now, by
        return True
