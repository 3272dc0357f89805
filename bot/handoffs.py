"""Handing a user over to a person of their regional network, with consent, without losing it.

A confirmed request becomes a *dossier* (table ``handoffs``) committed in the same transaction
as the message that carries it to the network's referent chat (table ``outbox``). The transport
sends the outbox afterwards and retries; a crash in between loses nothing. States: new →
delivered → taken → closed. A referent acts only on their own network's dossiers, and every
access is written to the audit table.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .db import Audit, Database, Handoff, Outbox, ReferentChat, naive_utc, utcnow
from .dialogue import dossiers
from .referents import Directory, Network

MAX_ATTEMPTS = 8
CLAIM_LEASE = dt.timedelta(minutes=2)  # longer than any send with its retries
AT_MOST_ONCE = ("delivered", "taken", "closed")  # notices to the user: never twice
JOIN_ATTEMPTS = 5  # failed /referent_join codes a chat may try…
JOIN_WINDOW = dt.timedelta(hours=1)  # …within this window
ERASED = "[effacé]"
ERASED_STATE = "erased"
OPEN_STATES = ("new", "delivered", "taken")


class Thread(BaseModel):
    """What became of a user's reply in a dossier's thread."""

    outcome: Literal["sent", "closed", "waiting", "none"]  # none: not a reply to a dossier
    handoff_id: int = 0


class Erasure(BaseModel):
    """What /forget (or the retention purge) erased, by kind."""

    dossiers: int = 0  # dossiers anonymised
    messages: int = 0  # their messages (sent copies blanked, unsent ones deleted)
    alerts: int = 0
    exchanges: int = 0  # recent exchanges kept in memory
    flows: int = 0  # conversations in progress (what was typed in them)


@dataclass
class Request:
    """What the user confirmed, after consenting."""

    network_id: str
    user_chat_id: int
    language: str
    name: str
    role: str
    authority: str
    email: str
    phone: str
    question: str
    context: list[str] = field(default_factory=list)  # recent questions/answers, calls viewed


@dataclass(frozen=True)
class Pending:
    """An outbox message due now."""

    id: int
    chat_id: int
    html: str
    buttons: list[list[tuple[str, str]]]
    edit_message_id: int | None = None  # set: edit that message rather than send a new one


class Handoffs:
    """The dossier service (no Telegram here: the transport sends what :meth:`pending` gives)."""

    def __init__(
        self,
        database: Database,
        directory: Directory,
        join_codes: dict[str, str],
        configured_chats: dict[str, int],
        retention_days: int,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.database = database
        self.directory = directory
        self.join_codes = join_codes
        self.configured_chats = configured_chats
        self.retention = dt.timedelta(days=retention_days)
        self.clock = clock

    # --- referents -----------------------------------------------------------------------------

    def join(self, chat_id: int, code: str) -> Network | None:
        """Register a chat as a network's referent chat, if the code is that network's.

        After JOIN_ATTEMPTS failures within JOIN_WINDOW the chat is refused without checking
        the code; every failure and refusal is audited."""
        if self.join_limited(chat_id):
            self._audit_join(chat_id, "join:refused")
            return None
        typed = code.strip().encode()
        network_id = next(
            (n for n, c in self.join_codes.items() if c and hmac.compare_digest(c.encode(), typed)),
            None,
        )
        network = self.directory.by_id(network_id) if network_id else None
        if network is None:
            self._audit_join(chat_id, "join:failed")
            return None
        with self.database.session() as session, session.begin():
            row = session.get(ReferentChat, chat_id)
            if row is None:
                session.add(ReferentChat(chat_id=chat_id, network_id=network.id))
            else:
                row.network_id = network.id
                row.joined_at = utcnow()
            session.add(Audit(actor_chat_id=chat_id, network_id=network.id, action="join"))
        self.deliver_waiting()
        return network

    def join_limited(self, chat_id: int) -> bool:
        """Has this chat used up its failed join attempts for now?"""
        since = naive_utc(self.clock()) - JOIN_WINDOW
        with self.database.session() as session:
            failures = session.scalar(
                select(func.count()).where(
                    Audit.actor_chat_id == chat_id, Audit.action == "join:failed", Audit.at >= since
                )
            )
        return (failures or 0) >= JOIN_ATTEMPTS

    def _audit_join(self, chat_id: int, action: str) -> None:
        with self.database.session() as session, session.begin():
            session.add(
                Audit(
                    actor_chat_id=chat_id, network_id="-", action=action, at=naive_utc(self.clock())
                )
            )

    def deliver_waiting(self) -> int:
        """Queue the dossiers that wait for their network's referent chat (one just appeared).

        A dossier waits when it is new and no message carrying it is queued or was sent; a
        message that failed for good (the bot was removed from the chat) does not count."""
        queued = 0
        destinations = {n.id: self.referent_chat(n.id) for n in self.directory.networks}
        with self.database.session() as session, session.begin():
            waiting = session.scalars(
                select(Handoff).where(Handoff.state == "new").order_by(Handoff.id)
            ).all()
            for handoff in waiting:
                network = self.directory.by_id(handoff.network_id)
                destination = destinations.get(handoff.network_id)
                if network is None or destination is None:
                    continue
                carried = session.scalar(
                    select(Outbox.id).where(
                        Outbox.handoff_id == handoff.id,
                        Outbox.purpose == "dossier",
                        Outbox.failed.is_(False),
                    )
                )
                if carried is None:
                    session.add(self._dossier_message(handoff, network, destination))
                    queued += 1
        return queued

    def waiting(self, admin_chat_id: int) -> list[Handoff]:
        """For admins: the new dossiers not delivered yet, with their full contact (audited)."""
        with self.database.session() as session, session.begin():
            session.add(Audit(actor_chat_id=admin_chat_id, network_id="-", action="admin:list"))
            rows = session.scalars(
                select(Handoff).where(Handoff.state == "new").order_by(Handoff.id)
            )
            return list(rows)

    def network_of(self, chat_id: int) -> str | None:
        """The network a chat is a referent of, if any."""
        configured = next((n for n, c in self.configured_chats.items() if c == chat_id), None)
        if configured:
            return configured
        with self.database.session() as session:
            row = session.get(ReferentChat, chat_id)
            return row.network_id if row else None

    def referent_chat(self, network_id: str) -> int | None:
        """Where a network's dossiers go: the configured chat, else the one that joined last
        (a chat that removed the bot is replaced by joining from another)."""
        if network_id in self.configured_chats:
            return self.configured_chats[network_id]
        with self.database.session() as session:
            query = select(ReferentChat.chat_id).where(ReferentChat.network_id == network_id)
            return session.scalar(query.order_by(ReferentChat.joined_at.desc()))

    # --- dossiers ------------------------------------------------------------------------------

    def create(self, request_key: str, request: Request) -> tuple[Handoff, bool]:
        """Store the dossier and, in the same transaction, the message that carries it.

        The same ``request_key`` (one confirmation) never creates a second dossier.
        """
        network = self.directory.by_id(request.network_id)
        if network is None:
            raise ValueError(f"unknown network {request.network_id!r}")
        destination = self.referent_chat(network.id)
        with self.database.session() as session, session.begin():
            existing = session.scalar(select(Handoff).where(Handoff.request_key == request_key))
            if existing is not None:
                return existing, False
            handoff = Handoff(
                request_key=request_key,
                network_id=network.id,
                user_chat_id=request.user_chat_id,
                language=request.language,
                name=request.name,
                role=request.role,
                authority=request.authority,
                email=request.email,
                phone=request.phone,
                question=request.question,
                context=json.dumps(request.context, ensure_ascii=False),
            )
            session.add(handoff)
            session.flush()
            if destination is not None:
                session.add(self._dossier_message(handoff, network, destination))
            return handoff, True

    def _dossier_message(self, handoff: Handoff, network: Network, chat_id: int) -> Outbox:
        # written before anyone reads it: in the networks' working language
        return Outbox(
            handoff_id=handoff.id,
            purpose="dossier",
            chat_id=chat_id,
            html=dossiers.dossier_html(handoff, network.name),
            buttons=json.dumps(dossiers.dossier_buttons(handoff.id), ensure_ascii=False),
        )

    def pending(self, limit: int = 50) -> list[Pending]:
        """Outbox messages due now, oldest first."""
        now = naive_utc(self.clock())
        with self.database.session() as session:
            rows = session.scalars(
                select(Outbox)
                .where(
                    Outbox.sent_at.is_(None),
                    Outbox.failed.is_(False),
                    Outbox.next_attempt_at <= now,
                    or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
                )
                .order_by(Outbox.id)
                .limit(limit)
            )
            return [
                Pending(r.id, r.chat_id, r.html, json.loads(r.buttons), r.edit_message_id)
                for r in rows
            ]

    def claim(self, outbox_id: int) -> bool:
        """Take a message for sending (state and lease in the database); False: do not send it.

        Only one sender holds a message at a time, whatever the number of processes. A claim
        that expired means its sender died mid-send: a dossier or a reply is sent again (it must
        not be lost, and may arrive twice); a notice to the user is not (it may be lost, never
        repeated).
        """
        now = naive_utc(self.clock())
        free = or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now)
        with self.database.session() as session, session.begin():
            interrupted = session.scalar(
                select(Outbox.purpose).where(Outbox.id == outbox_id, Outbox.claimed_until < now)
            )
            taken = session.execute(
                update(Outbox)
                .where(Outbox.id == outbox_id, Outbox.sent_at.is_(None), free)
                .values(claimed_until=now + CLAIM_LEASE)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return False
            if interrupted in AT_MOST_ONCE:
                session.execute(
                    update(Outbox).where(Outbox.id == outbox_id).values(sent_at=utcnow())
                )
                return False
            return True

    def sent(self, outbox_id: int, message_id: int) -> None:
        """A message went out; a delivered dossier tells its user."""
        with self.database.session() as session, session.begin():
            row = session.get(Outbox, outbox_id)
            if row is None or row.sent_at is not None:
                return
            row.sent_at = utcnow()
            row.message_id = message_id
            handoff = session.get(Handoff, row.handoff_id) if row.handoff_id else None
            if row.purpose == "dossier" and handoff is not None and handoff.state == "new":
                handoff.state = "delivered"
                handoff.referent_chat_id = row.chat_id
                handoff.referent_message_id = message_id
                handoff.updated_at = utcnow()
                session.add(self._notice(handoff, "delivered"))

    def failed(self, outbox_id: int, permanent: bool = False) -> None:
        """A send failed: retry later with backoff, or give up (the dossier stays visible)."""
        with self.database.session() as session, session.begin():
            row = session.get(Outbox, outbox_id)
            if row is None:
                return
            row.attempts += 1
            row.claimed_until = None
            delay = dt.timedelta(seconds=min(3600, 5 * 2**row.attempts))
            row.next_attempt_at = naive_utc(self.clock()) + delay
            row.failed = permanent or row.attempts >= MAX_ATTEMPTS
            handoff = session.get(Handoff, row.handoff_id) if row.handoff_id else None
            if row.failed and row.purpose == "reply" and handoff and handoff.referent_chat_id:
                html = dossiers.reply_failed(handoff.id)  # the referent must know
                session.add(
                    Outbox(
                        handoff_id=handoff.id,
                        purpose="undelivered",
                        chat_id=handoff.referent_chat_id,
                        html=html,
                    )
                )

    def act(self, chat_id: int, handoff_id: int, action: str, who: str = "") -> tuple[bool, str]:
        """A referent (``who``) takes or closes a dossier of their network (anything else is
        refused); the dossier message in the referent chat is edited to say who and when."""
        with self.database.session() as session, session.begin():
            handoff = session.get(Handoff, handoff_id)
            network = self.network_of(chat_id)
            allowed = handoff is not None and network == handoff.network_id
            session.add(
                Audit(
                    actor_chat_id=chat_id,
                    network_id=network or "-",
                    handoff_id=handoff_id,
                    action=action if allowed else f"denied:{action}",
                )
            )
            if handoff is None:  # a button of a dossier that no longer exists
                return False, "unknown"
            if not allowed:
                return False, "denied"
            target = {"take": "taken", "close": "closed"}.get(action)
            if target is None or handoff.state in ("closed", ERASED_STATE, target):
                return False, handoff.state
            handoff.state = target
            handoff.updated_at = utcnow()
            when = naive_utc(self.clock()).strftime("%d/%m/%Y %H:%M UTC")
            line = dossiers.history_line(target, who, when)
            handoff.history = "\n".join(x for x in (handoff.history, line) if x)
            session.add(self._notice(handoff, target))
            if handoff.referent_chat_id and handoff.referent_message_id:
                owner = self.directory.by_id(handoff.network_id)
                buttons = dossiers.dossier_buttons(handoff.id)
                left = [] if target == "closed" else [[b for b in buttons[0] if "close" in b[1]]]
                session.add(
                    Outbox(
                        handoff_id=handoff.id,
                        purpose="edit",
                        chat_id=handoff.referent_chat_id,
                        html=dossiers.dossier_html(handoff, owner.name if owner else ""),
                        buttons=json.dumps(left, ensure_ascii=False),
                        edit_message_id=handoff.referent_message_id,
                    )
                )
            return True, target

    def relay(self, chat_id: int, replied_message_id: int, message: str) -> bool:
        """A referent's reply to a dossier message (or to the user's relayed words) goes to the
        user, signed by the network."""
        with self.database.session() as session, session.begin():
            handoff = _thread_of(session, chat_id, replied_message_id)
            network = self.network_of(chat_id)
            if handoff is None or network != handoff.network_id or not handoff.user_chat_id:
                return False
            session.add(
                Audit(
                    actor_chat_id=chat_id, network_id=network, handoff_id=handoff.id, action="reply"
                )
            )
            signature = self.directory.by_id(network)
            html = dossiers.referent_reply(
                handoff.language, signature.name if signature else network, message
            )
            session.add(
                Outbox(
                    handoff_id=handoff.id, purpose="reply", chat_id=handoff.user_chat_id, html=html
                )
            )
            if handoff.state in ("new", "delivered"):
                handoff.state = "taken"
                handoff.updated_at = utcnow()
            return True

    def relay_from_user(self, user_chat_id: int, replied_message_id: int, message: str) -> Thread:
        """A user's reply to a message of their open dossier goes to the referent chat, signed
        with the dossier number; a closed dossier relays nothing."""
        with self.database.session() as session, session.begin():
            handoff = _thread_of(session, user_chat_id, replied_message_id)
            if handoff is None or handoff.user_chat_id != user_chat_id:
                return Thread(outcome="none")
            if handoff.state not in OPEN_STATES:
                return Thread(outcome="closed", handoff_id=handoff.id)
            destination = handoff.referent_chat_id or self.referent_chat(handoff.network_id)
            if destination is None:
                return Thread(outcome="waiting", handoff_id=handoff.id)
            html = dossiers.user_reply(handoff, message)
            session.add(
                Outbox(handoff_id=handoff.id, purpose="user_reply", chat_id=destination, html=html)
            )
            return Thread(outcome="sent", handoff_id=handoff.id)

    def open_dossiers(self, chat_id: int) -> list[Handoff] | None:
        """The open dossiers of the chat's network; ``None`` when the chat is no referent."""
        network = self.network_of(chat_id)
        if network is None:
            return None
        with self.database.session() as session, session.begin():
            session.add(Audit(actor_chat_id=chat_id, network_id=network, action="list"))
            rows = session.scalars(
                select(Handoff)
                .where(Handoff.network_id == network, Handoff.state.in_(OPEN_STATES))
                .order_by(Handoff.id)
            )
            return list(rows)

    def _notice(self, handoff: Handoff, state: str) -> Outbox:
        network = self.directory.by_id(handoff.network_id)
        html = dossiers.notice(handoff.language, state, network.name if network else "")
        return Outbox(handoff_id=handoff.id, purpose=state, chat_id=handoff.user_chat_id, html=html)

    # --- personal data ---------------------------------------------------------------------------

    def forget(self, user_chat_id: int) -> Erasure:
        """Erase a user's personal data from their dossiers and every message about them."""
        with self.database.session() as session, session.begin():
            rows = session.scalars(
                select(Handoff).where(Handoff.user_chat_id == user_chat_id)
            ).all()
            erasure = self._erase(session, list(rows), "erased_forget")
            for message in session.scalars(
                select(Outbox).where(Outbox.chat_id == user_chat_id, Outbox.sent_at.is_(None))
            ):
                session.delete(message)
                erasure.messages += 1
            return erasure

    def purge(self) -> int:
        """Anonymise the dossiers older than the retention period, and their messages."""
        cutoff = naive_utc(self.clock()) - self.retention
        with self.database.session() as session, session.begin():
            rows = session.scalars(
                select(Handoff).where(Handoff.created_at < cutoff, Handoff.state != ERASED_STATE)
            ).all()
            return self._erase(session, list(rows), "erased_retention").dossiers

    def _erase(self, session: Session, rows: list[Handoff], reason: str) -> Erasure:
        """Anonymise dossiers, their outbox copies (sent or not) and the referent's message."""
        erasure = Erasure(dossiers=len(rows))
        ids = [row.id for row in rows]
        if not ids:
            return erasure
        copies = list(session.scalars(select(Outbox).where(Outbox.handoff_id.in_(ids))))
        for message in copies:
            erasure.messages += 1
            if message.sent_at is None and not message.edit_message_id:
                session.delete(message)  # never delivered: it will not be
                continue
            message.html, message.buttons = ERASED, "[]"
            if message.purpose == "user_reply" and message.message_id and message.handoff_id:
                # the user's words, as relayed to the referent chat
                _blank(session, message.handoff_id, message.chat_id, message.message_id, reason)
        for row in rows:
            if row.referent_chat_id and row.referent_message_id:
                _blank(session, row.id, row.referent_chat_id, row.referent_message_id, reason)
            _anonymise(row)
        return erasure

    def stats(self) -> dict[str, dict[str, int]]:
        """Dossiers by network and state."""
        out: dict[str, dict[str, int]] = {}
        with self.database.session() as session:
            rows = session.execute(
                select(Handoff.network_id, Handoff.state, func.count()).group_by(
                    Handoff.network_id, Handoff.state
                )
            )
            for network, state, count in rows:
                out.setdefault(str(network), {})[str(state)] = int(count)
        return out


def _blank(session: Session, handoff_id: int, chat_id: int, message_id: int, reason: str) -> None:
    """Queue the edit that replaces a message about an erased dossier with ``reason``'s text."""
    session.add(
        Outbox(
            handoff_id=handoff_id,
            purpose="edit",
            chat_id=chat_id,
            html=dossiers.erased(reason, handoff_id),
            edit_message_id=message_id,
        )
    )


def _thread_of(session: Session, chat_id: int, message_id: int) -> Handoff | None:
    """The dossier a message of this chat belongs to: the dossier itself, or one relayed."""
    handoff = session.scalar(
        select(Handoff).where(
            Handoff.referent_chat_id == chat_id, Handoff.referent_message_id == message_id
        )
    )
    if handoff is not None:
        return handoff
    handoff_id = session.scalar(
        select(Outbox.handoff_id).where(Outbox.chat_id == chat_id, Outbox.message_id == message_id)
    )
    return session.get(Handoff, handoff_id) if handoff_id else None


def _anonymise(row: Handoff) -> None:
    row.name = ERASED
    row.role = row.authority = row.email = row.phone = ""
    row.question = ERASED
    row.context = "[]"
    row.user_chat_id = 0
    row.request_key = f"erased:{row.id}"  # the key held the chat id
    row.state = ERASED_STATE
    row.updated_at = utcnow()
