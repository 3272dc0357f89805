"""The Telegram transport (python-telegram-bot). Domain logic lives in ``bot.dialogue``."""

from .app import build_application, run_polling, run_webhook

__all__ = ["build_application", "run_polling", "run_webhook"]
