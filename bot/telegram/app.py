"""All the Telegram wiring in one place: :func:`build_application`, and how to run it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from ..config import Settings
from ..dialogue.texts import UI_LANGUAGES, text
from ..errors import ConfigError
from ..ratelimit import SlidingWindow
from ..redaction import install_redaction
from ..services import Services
from . import desk, flows, handlers, jobs, webhook
from .processor import ChatOrderedProcessor
from .sending import count_error

log = logging.getLogger(__name__)

COMMANDS = [
    ("start", "cmd_start"),
    ("help", "cmd_help"),
    ("financements", "cmd_funding"),
    ("alertes", "cmd_alerts"),
    ("referent", "cmd_referent"),
    ("lang", "cmd_lang"),
    ("privacy", "cmd_privacy"),
    ("forget", "cmd_forget"),
]
DAY = dt.timedelta(days=1)
WEBHOOK_PATH = "telegram"
JITTER_PERIOD = 1.1  # seconds
FLOOD_RETRIES = 3  # a 429 is waited out and the call retried this many times at most


class FloodControl(AIORateLimiter):
    """PTB's limiter (a 429 is waited out and retried, groups limited per chat), with one strict
    sliding window for the whole bot that counts every call to Telegram, retries included: no
    second ever holds more than ``messages_per_second`` calls. "Typing…" actions are counted
    but dropped when the window is full (they are cosmetic).

    Each 429 that PTB waits out and retries is counted as a ``retry_after`` Telegram error: no
    caller ever sees it. The last one, raised when the retries are spent, is not counted here
    but where it is handled, like any error."""

    def __init__(self, messages_per_second: float) -> None:
        super().__init__(overall_max_rate=0, max_retries=FLOOD_RETRIES)
        # a window a little longer than a second: network jitter cannot squeeze an extra call
        # into a second as Telegram counts it
        self.window = SlidingWindow(messages_per_second, JITTER_PERIOD)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint == "sendChatAction":
            if not self.window.try_acquire():
                return True
            return await callback(*args, **kwargs)

        retries = rate_limit_args or FLOOD_RETRIES  # as AIORateLimiter.process_request reads it
        floods = 0

        async def counted(
            *call_args: Any, **call_kwargs: Any
        ) -> bool | dict[str, Any] | list[dict[str, Any]]:
            nonlocal floods
            await self.window.acquire()
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                floods += 1
                if floods <= retries:  # PTB waits it out and calls again
                    count_error(exc)
                raise

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)


def build_application(settings: Settings, services: Services) -> Application:
    """The bot: handlers, transport options, and the services started with it."""
    token = settings.telegram_token.get_secret_value()
    if not token:
        raise ConfigError(
            "no Telegram token. Create a bot with @BotFather in Telegram (/newbot), then put "
            "its token in INSPIRE_TELEGRAM_TOKEN (environment or .env). To try the assistant "
            'without Telegram: `inspire-bot ask "…"` or `inspire-bot chat`.'
        )

    async def post_init(application: Application) -> None:
        await asyncio.to_thread(services.initialize)
        application.bot_data["services"] = services
        await _register_commands(application)
        _schedule_jobs(application, settings)

    async def post_shutdown(application: Application) -> None:
        await asyncio.to_thread(services.shutdown)

    application = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .rate_limiter(FloodControl(settings.telegram_messages_per_second))
        .concurrent_updates(ChatOrderedProcessor(settings.max_concurrent_updates))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    # Negative groups run first: a duplicate update stops at -4; -3 reads the person's language
    # and notices returning chats; -2 relays a reply in a dossier's thread; -1 gives the flows
    # (funding, hand-off) what is theirs. Each stops the update when it took it.
    application.add_handler(TypeHandler(Update, handlers.drop_duplicates), group=-4)
    application.add_handler(TypeHandler(Update, handlers.on_arrival), group=-3)
    application.add_handler(
        MessageHandler(filters.REPLY & filters.TEXT & ~filters.COMMAND, desk.relay), group=-2
    )
    application.add_handler(TypeHandler(Update, flows.route), group=-1)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("privacy", handlers.privacy))
    application.add_handler(CommandHandler("referent_join", desk.join))
    application.add_handler(CommandHandler("dossiers", desk.dossiers))
    application.add_handler(CommandHandler("forget", desk.forget))
    application.add_handler(CommandHandler("stats", desk.stats))
    application.add_handler(CallbackQueryHandler(desk.act, pattern=r"^ho:(take|close):\d+$"))
    application.add_handler(CommandHandler(["alertes", "alerts"], handlers.alerts))
    application.add_handler(CommandHandler(["lang", "language"], handlers.choose_language))
    application.add_handler(
        ChatMemberHandler(handlers.added_to_group, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.on_text))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            handlers.on_other,
        )
    )
    application.add_error_handler(handlers.on_error)
    return application


def _schedule_jobs(application: Application, settings: Settings) -> None:
    queue = application.job_queue
    if queue is None:
        return
    queue.run_repeating(
        jobs.process_outbox, interval=settings.outbox_interval_seconds, first=1, name="outbox"
    )
    queue.run_repeating(jobs.send_reminders, interval=DAY, first=30, name="reminders")
    queue.run_repeating(jobs.purge_expired, interval=DAY, first=60, name="retention")
    if settings.portal_refresh_hours > 0:
        hours = dt.timedelta(hours=settings.portal_refresh_hours)
        queue.run_repeating(jobs.refresh_calls, interval=hours, first=600, name="portal")


async def _register_commands(application: Application) -> None:
    """The command menu, per interface language (French when Telegram has no match)."""
    for lang in (None, *UI_LANGUAGES):
        commands = [BotCommand(name, text(lang or "fr", key)) for name, key in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)


def quiet_http_logs(settings: Settings) -> None:
    """httpx logs every request URL at INFO, and the URL contains the bot token; whatever else
    mentions a secret (PTB's InvalidToken message, a traceback) is masked by the filter."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_redaction(settings)


def run_polling(settings: Settings, services: Services) -> None:
    """Long polling until interrupted (Ctrl-C or SIGTERM); ``/healthz`` and ``/metrics`` too
    when INSPIRE_HEALTH_PORT is set. A 409 Conflict (another process polls) reaches
    ``handlers.on_error``: logged loudly and shown by ``/healthz``."""
    quiet_http_logs(settings)
    application = build_application(settings, services)
    if settings.health_port:
        webhook.serve_health_alongside(
            application, services, settings.webhook_listen, settings.health_port
        )
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


def run_webhook(settings: Settings, services: Services) -> None:
    """Our webhook server (see :mod:`.webhook`): requests without the secret token header are
    refused; ``/healthz`` and ``/metrics`` are served on the same port."""
    if not settings.webhook_url:
        raise ConfigError("INSPIRE_WEBHOOK_URL must be set (the public HTTPS URL) for --webhook")
    secret = settings.webhook_secret.get_secret_value()
    if not secret:
        raise ConfigError(
            "INSPIRE_WEBHOOK_SECRET must be set for --webhook (1-256 of A-Z a-z 0-9 _ -)"
        )
    quiet_http_logs(settings)
    application = build_application(settings, services)
    asyncio.run(
        webhook.serve_webhook(
            application,
            services,
            host=settings.webhook_listen,
            port=settings.webhook_port,
            path=WEBHOOK_PATH,
            webhook_url=f"{settings.webhook_url.rstrip('/')}/{WEBHOOK_PATH}",
            secret=secret,
        )
    )
