"""The bot's own web server: Telegram's webhook, ``GET /healthz`` and ``GET /metrics``.

PTB's custom-webhook pattern: the server checks Telegram's secret header and puts the update in
``application.update_queue``; the application processes it as it would a polled one. With
long polling, the same server may run for ``/healthz`` and ``/metrics`` alone.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from telegram import Update
from telegram.ext import Application

from .. import metrics
from ..errors import IndexMissingError
from ..services import Services
from .handlers import conflicts_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20  # an update is a few kilobytes; a megabyte is plenty


def _index_loaded(services: Services) -> bool:
    try:
        services.assistant.answerer  # noqa: B018 (raises until the index is open)
    except IndexMissingError:
        return False
    return True


async def health(application: Application, services: Services) -> tuple[bool, dict[str, Any]]:
    """Healthy: the index is loaded, the database answers, and no Telegram conflict lately."""
    index = _index_loaded(services)
    database = await asyncio.to_thread(services.database.reachable)
    conflicts = conflicts_of(application.bot_data)
    healthy = index and database and not conflicts.recent()
    return healthy, {
        "status": "ok" if healthy else "unhealthy",
        "index_loaded": index,
        "database_reachable": database,
        "telegram_conflict": conflicts.summary(),
    }


def web_app(
    application: Application, services: Services, secret: str = "", path: str = ""
) -> web.Application:
    """``/healthz`` and ``/metrics``; and ``POST /<path>`` for Telegram when a secret is given."""
    handoffs = metrics.HandoffStates(lambda: metrics.by_state(services.handoffs.stats()))

    async def healthz(request: web.Request) -> web.Response:
        healthy, report = await health(application, services)
        return web.json_response(report, status=200 if healthy else 503)

    async def prometheus(request: web.Request) -> web.Response:
        body = await asyncio.to_thread(metrics.exposition, handoffs)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def telegram(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("A webhook request without a readable update was refused")
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    if secret and path:
        app.router.add_post(f"/{path}", telegram)
    return app


async def start_server(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on host:port (0: any free port); returns the runner and the port."""
    runner = web.AppRunner(app, access_log=None)  # access logs would only repeat the paths
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    addresses = runner.addresses
    return runner, addresses[0][1] if addresses else port


def serve_health_alongside(
    application: Application, services: Services, host: str, port: int
) -> None:
    """With long polling: serve ``/healthz`` and ``/metrics`` while the application runs."""
    first_init, last_shutdown = application.post_init, application.post_shutdown
    runners: list[web.AppRunner] = []

    async def post_init(app: Application) -> None:
        runner, bound = await start_server(web_app(app, services), host, port)
        runners.append(runner)
        log.info("Health and metrics on http://%s:%d/healthz and /metrics", host, bound)
        if first_init is not None:
            await first_init(app)

    async def post_shutdown(app: Application) -> None:
        try:
            if last_shutdown is not None:
                await last_shutdown(app)
        finally:
            for runner in runners:
                await runner.cleanup()

    application.post_init = post_init
    application.post_shutdown = post_shutdown


async def serve_webhook(
    application: Application,
    services: Services,
    *,
    host: str,
    port: int,
    path: str,
    webhook_url: str,
    secret: str,
) -> None:
    """Run the application behind our web server until SIGINT or SIGTERM.

    The server starts first, so that ``/healthz`` answers (503) while the index loads; updates
    that arrive meanwhile wait in the queue. Several replicas may run this against one database:
    each update is claimed there by the first that gets it (see ``handlers.drop_duplicates``).
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner, bound = await start_server(web_app(application, services, secret, path), host, port)
    log.info("Webhook server on http://%s:%d/%s (and /healthz, /metrics)", host, bound, path)
    serving = True
    try:
        await application.initialize()
        try:
            if application.post_init is not None:
                await application.post_init(application)
            await application.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            await application.start()
            await stop.wait()
            log.info("Stopping: no more updates taken; those received are finished first")
            serving = False
            await runner.cleanup()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        finally:
            if application.running:  # an error between start and stop
                await application.stop()
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
    finally:
        if serving:
            await runner.cleanup()
