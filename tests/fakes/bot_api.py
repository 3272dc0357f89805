"""A fake Telegram Bot API server on 127.0.0.1, speaking Telegram's real HTTP protocol.

The bot under test talks to it through python-telegram-bot exactly as in production (only the
base URL differs). Tests push updates (messages, commands, button presses), script faults (429
with ``retry_after``, 403, 400 "can't parse entities", 409, 5xx, a hanging request), and read
what the bot sent. The load benchmark drives it too.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "INSPIRE",
    "username": "inspire_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {
    "reply_markup",
    "entities",
    "link_preview_options",
    "commands",
    "allowed_updates",
    "reply_parameters",
    "scope",
}


@dataclass
class Fault:
    """A scripted answer to the next call of a method."""

    status: int
    description: str = ""
    retry_after: int | None = None
    hang: float = 0.0  # seconds to wait before answering (a time-out for the client)
    chat_id: int | None = None  # only for calls to this chat
    skip: int = 0  # let this many such calls through first (fail the second message: 1)


@dataclass
class Call:
    """A request the bot made, with its parameters decoded and the time it arrived."""

    method: str
    params: dict[str, Any]
    at: float
    failed: bool = False
    result: Any = None  # what the server answered (e.g. the sent message, with its id)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
        return rows


@dataclass
class _Queued:
    update: dict[str, Any]
    at: float


@dataclass
class FakeBotApi:
    """The server. Use ``await start()`` / ``await stop()``, or ``async with``."""

    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._queue: list[_Queued] = []
        self._new_update = asyncio.Event()
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._chat_types: dict[int, str] = {}
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.pushed_at: dict[int, float] = {}  # update_id -> when it became available
        self.files: dict[str, tuple[str, int]] = {}  # file_id -> (file name, size)
        self.uploads = 0  # documents uploaded (not sent again by file id)

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    # --- scripting ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        hang: float = 0.0,
        times: int = 1,
        chat_id: int | None = None,
        skip: int = 0,
    ) -> None:
        for i in range(times):  # the calls let through come before the first fault only
            fault = Fault(status, description, retry_after, hang, chat_id, skip if i == 0 else 0)
            self._faults[method].append(fault)

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Make an update available to getUpdates (a copy, so it can be pushed twice)."""
        update = json.loads(json.dumps(update))
        self.pushed_at.setdefault(update["update_id"], time.perf_counter())
        self._queue.append(_Queued(update, time.perf_counter()))
        self._new_update.set()
        return update

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        language: str = "fr",
        chat_type: str = "private",
        **extra: Any,
    ) -> dict[str, Any]:
        """Build a message update (text, or any other content passed in ``extra``)."""
        self._chat_types[chat_id] = chat_type
        user = {
            "id": user_id or chat_id,
            "is_bot": False,
            "first_name": "Élu",
            "language_code": language,
        }
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Élu"
        else:
            chat["title"] = "Groupe des élus"
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def command(self, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        return self.message(chat_id, text, **kwargs)

    def button(
        self, chat_id: int, data: str, *, message_id: int = 1, language: str = "fr"
    ) -> dict[str, Any]:
        """A tap on an inline button whose callback data is ``data``."""
        user = {"id": chat_id, "is_bot": False, "first_name": "Élu", "language_code": language}
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": self._chat_types.get(chat_id, "private")},
            "text": "…",
        }
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": user,
                "chat_instance": str(chat_id),
                "message": message,
                "data": data,
            },
        }

    # --- reading -------------------------------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        """Successful calls of ``method`` (to ``chat_id``), in order."""
        return [
            c
            for c in self.calls
            if c.method == method and not c.failed and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        """Wait until ``predicate()`` holds (checked after every request)."""

        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(wait(), timeout)

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 15.0
    ) -> list[Call]:
        await self.wait_for(lambda: len(self.sent(chat_id=chat_id)) >= count, timeout)
        return self.sent(chat_id=chat_id)

    # --- the protocol ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        fault = self._take_fault(method, params)
        call = Call(method, params, time.perf_counter(), failed=fault is not None)
        if fault is not None:
            if fault.hang:
                await asyncio.sleep(fault.hang)
            await self._record(call)
            return _error(fault.status, fault.description, fault.retry_after)
        handler = getattr(self, f"_{method}", None)
        refusal = _check_text(params) if method in ("sendMessage", "editMessageText") else None
        if handler is None or refusal is not None:
            call.failed = True
            await self._record(call)
            return refusal or _error(404, "Not Found: method not found")
        if method == "getUpdates":
            result = await handler(params)  # recorded after the long poll returns
        else:
            result = handler(params)
        call.result = result
        await self._record(call)
        return web.json_response({"ok": True, "result": result})

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        chat = params.get("chat_id")
        for fault in self._faults[method]:
            if fault.chat_id is None or str(fault.chat_id) == str(chat):
                if fault.skip:
                    fault.skip -= 1
                    return None
                self._faults[method].remove(fault)
                return fault
        return None

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Telegram's semantics: an update is returned until an offset above its id confirms it."""
        offset = int(params.get("offset") or 0)
        self._queue = [q for q in self._queue if q.update["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while not self._queue and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
            self._queue = [q for q in self._queue if q.update["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        return [q.update for q in self._queue[:limit]]

    def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": self._chat_types.get(chat_id, "private")},
            "text": params["text"],
        }
        markup = params.get("reply_markup") or {}
        if "inline_keyboard" in markup:  # Telegram echoes inline keyboards only
            message["reply_markup"] = markup
        return message

    def _sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        """A file upload (multipart) gets a new file id; a known file id is sent again."""
        document = params["document"]
        if isinstance(document, str):
            if document not in self.files:
                raise web.HTTPBadRequest(text="Bad Request: wrong file identifier")
            name, size = self.files[document]
        else:  # an uploaded file
            name, size = document.filename, len(document.file.read())
            document = f"file-{len(self.files) + 1}"
            self.files[document] = (name, size)
            self.uploads += 1
        message = self._sendMessage({**params, "text": ""})
        del message["text"]
        message["caption"] = params.get("caption", "")
        message["document"] = {
            "file_id": document,
            "file_unique_id": f"u{document}",
            "file_name": name,
            "file_size": size,
        }
        return message

    def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._sendMessage(params)

    def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    def _setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    def _getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data: dict[str, Any] = await request.json()
        return data
    form = await request.post() if request.body_exists else {}
    params: dict[str, Any] = {}
    for key, value in {**request.query, **form}.items():
        if key in JSON_FIELDS and isinstance(value, str):
            params[key] = json.loads(value)
        else:
            params[key] = value
    return params


class _HTMLCheck(HTMLParser):
    """Telegram's HTML rules, in short: known tags only, properly nested."""

    ALLOWED = frozenset(
        "b strong i em u ins s strike del a code pre tg-spoiler blockquote span".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problem = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            self.problem = f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problem = f'Unexpected end tag "{tag}"'


def _check_text(params: dict[str, Any]) -> web.Response | None:
    """Refuse what Telegram refuses: empty or over-long text, broken HTML."""
    text = str(params.get("text", ""))
    if not text.strip():
        return _error(400, "Bad Request: message text is empty")
    shown = text  # Telegram counts the text once parsed, in UTF-16 code units
    if str(params.get("parse_mode", "")).upper() == "HTML":
        shown = html.unescape(re.sub(r"<[^>]+>", "", text))
    if len(shown.encode("utf-16-le")) // 2 > 4096:
        return _error(400, "Bad Request: message is too long")
    if str(params.get("parse_mode", "")).upper() == "HTML":
        check = _HTMLCheck()
        check.feed(text)
        check.close()
        if check.problem or check.stack:
            problem = check.problem or "Can't find end tag"
            return _error(400, f"Bad Request: can't parse entities: {problem}")
    return None


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
