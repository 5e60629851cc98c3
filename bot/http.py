"""The bot's own HTTP server: liveness, readiness and metrics; platform webhooks
(/slack/events, /telegram/webhook) are added by their adapters."""
from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

from bot.metrics import CONTENT_TYPE
from storage.db import Database

MetricsSource = Callable[[], Awaitable[bytes]]  # Prometheus text exposition
ReadinessSource = Callable[[], Awaitable[dict[str, str]]]  # failed checks by name


async def _always_ready() -> dict[str, str]:
    return {}


class HttpServer:
    def __init__(self, host: str, port: int, db: Database, metrics: MetricsSource,
                 readiness: ReadinessSource = _always_ready):
        self.host = host
        self.port = port
        self.db = db
        self.metrics = metrics
        self.readiness = readiness
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/readyz", self._readyz)
        self.app.router.add_get("/metrics", self._metrics)
        self._runner: web.AppRunner | None = None

    def add_route(self, method: str, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        self.app.router.add_route(method, path, handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        # A storm of Slack requests overflows the default listen queue (128) and the
        # kernel drops connections that clients only retry a second later.
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        await site.start()
        if self.port == 0:  # tests ask for any free port
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, _: web.Request) -> web.Response:
        """Liveness: the process answers. Whether it can do its work is /readyz."""
        return web.json_response({"ok": True})

    async def _readyz(self, _: web.Request) -> web.Response:
        """200 when ready; 503 naming each failed check. Nothing here names a host or a secret."""
        failed = dict(await self.readiness())
        try:
            await self.db.check_connection()
        except Exception:
            failed["database"] = "unreachable"
        if failed:
            return web.json_response({"ready": False, "failed": failed}, status=503)
        return web.json_response({"ready": True})

    async def _metrics(self, _: web.Request) -> web.Response:
        """Prometheus text format (bot/metrics.py)."""
        body = await self.metrics()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
