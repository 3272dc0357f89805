"""Update processing: concurrent across chats, in order within a chat."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently, one at a time per chat (FIFO)."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # lock, [pending updates]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, pending = self._chats.setdefault(chat.id, (asyncio.Lock(), [0]))
        pending[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            pending[0] -= 1
            if pending[0] == 0:
                del self._chats[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
