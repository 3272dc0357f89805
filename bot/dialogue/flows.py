"""The flows (funding, hand-off) over plain events, their state kept in the database.

:meth:`Flows.handle` is asked first about every event of a chat. It answers when the event
starts a flow, belongs to the flow in progress, or is a tap on a flow's button; otherwise it
returns ``None`` and the front end treats the event as a question, a command or a button of an
answer. A flow silent for longer than the timeout has ended; any command but /cancel leaves
the flow in progress (and is then handled as usual); /cancel always answers.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from .dialogue import FUNDING, REFERENT
from .events import Command, Event, Tap, Text, Who
from .handoff import HUMAN
from .replies import Reply, Step
from .store import FlowStore, State
from .texts import text

log = logging.getLogger(__name__)
STARTS = {  # commands, /start payloads and buttons that start a flow
    "financements": "funding",
    "funding": "funding",
    "start calls": "funding",
    FUNDING: "funding",
    "referent": "handoff",
    "referents": "handoff",
    "start referent": "handoff",
    REFERENT: "handoff",
}


class Flow(Protocol):
    name: str
    taps: tuple[str, ...]

    def begin(self, who: Who, state: State) -> Step: ...

    def on(self, who: Who, state: State, event: Event) -> Step | None: ...


class Flows:
    """Every flow, and the store of where each person stands in each chat."""

    def __init__(self, store: FlowStore, *flows: Flow) -> None:
        self.store = store
        self.flows = {flow.name: flow for flow in flows}

    def handle(self, who: Who, event: Event) -> Step | None:
        """The flows' answer to this event, or ``None`` when it is not theirs."""
        try:
            state = self.store.load(who.chat_id, who.user_id)
        except SQLAlchemyError:
            if _start_of(event) is not None or self._owner(event) is not None:
                raise  # a flow needs the database: the person is told it is unavailable
            log.warning("Flow states unreadable (database trouble); handling the event plainly")
            return None
        running = state.flow
        step = self._step(who, state, event)
        if step is not None or state.flow != running or state.expired:
            self.store.save(who.chat_id, who.user_id, state)
        return step

    def _step(self, who: Who, state: State, event: Event) -> Step | None:
        starts = _start_of(event)
        if starts is not None:
            return self.flows[starts].begin(who, state)
        if isinstance(event, Command):
            return self._command(who, state, event)
        owner = self._owner(event)
        if state.flow and (owner is None or owner.name == state.flow):
            step = self.flows[state.flow].on(who, state, event)
            if step is not None or owner is None:
                return step
        if owner is not None:  # a flow's button, and that flow is not at that step
            return Step(toast=text(who.lang, "button_stale"))
        if isinstance(event, Text) and who.private and HUMAN.search(event.text):
            return self.flows["handoff"].begin(who, state)
        return None

    def _owner(self, event: Event) -> Flow | None:
        """The flow whose button this is, if any."""
        if not isinstance(event, Tap):
            return None
        return next((f for f in self.flows.values() if event.data.startswith(f.taps)), None)

    def _command(self, who: Who, state: State, command: Command) -> Step | None:
        if command.name == "forget":
            return None  # /forget erases the flow itself, and counts it in its report
        if command.name != "cancel":
            state.flow = ""  # any other command leaves the flow, and is handled as usual
            return None
        key = "cancelled" if state.flow else "nothing_to_cancel"
        state.flow = ""
        return Step([Reply(text(who.lang, key), clear_keyboard=who.private)])

    def project(self, who: Who) -> str:
        """The last project this person described in this chat ("" if none)."""
        return self.store.load(who.chat_id, who.user_id).project


def _start_of(event: Event) -> str | None:
    if isinstance(event, Tap):
        return STARTS.get(event.data)
    if isinstance(event, Command):
        first = event.args.split()[0] if event.args.split() else ""
        return STARTS.get(f"start {first}" if event.name == "start" else event.name)
    return None
