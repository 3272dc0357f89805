"""The guided "find funding" flow: project description → type of authority → partner country
→ suggested calls."""

from __future__ import annotations

from collections.abc import Callable

from ..text import sanitize_question
from .dialogue import Dialogue
from .events import Event, Tap, Text, Who
from .replies import Step, to_plain
from .store import State
from .texts import referent_text

NAME = "funding"
TAPS = ("auth:", "partner:")  # the buttons of this flow
DESCRIPTION_CHARS = 1500


class FundingFlow:
    """Steps: ``describe`` → ``authority`` → ``partner``; then the cards, and the flow ends."""

    name = NAME
    taps: tuple[str, ...] = TAPS

    def __init__(self, dialogue: Dialogue, note: Callable[[int, str], None]) -> None:
        self.dialogue = dialogue
        self.note = note  # remembers the exchange for a later hand-off dossier

    def begin(self, who: Who, state: State) -> Step:
        """Ask for the project."""
        state.flow, state.step, state.draft = NAME, "describe", {}
        return Step([self.dialogue.funding_prompt(who.lang)])

    def on(self, who: Who, state: State, event: Event) -> Step | None:
        """One event at the current step; ``None`` when the event is not this flow's."""
        lang = who.lang
        if state.step == "describe" and isinstance(event, Text):
            description, _ = sanitize_question(event.text, DESCRIPTION_CHARS)
            if not description:
                return Step([self.dialogue.funding_prompt(lang)])
            state.draft["description"] = description
            state.step = "authority"
            return Step([self.dialogue.authority_question(lang)])
        if state.step == "authority" and isinstance(event, Tap) and event.data.startswith("auth:"):
            state.draft["authority"] = event.data.partition(":")[2]
            state.step = "partner"
            return Step([self.dialogue.partner_question(lang)])
        if state.step == "partner" and isinstance(event, Tap) and event.data.startswith("partner:"):
            return self._suggest(who, state, event.data.partition(":")[2])
        if isinstance(event, Text):  # text while buttons are expected: the question again
            question = (
                self.dialogue.partner_question
                if state.step == "partner"
                else self.dialogue.authority_question
            )
            return Step([question(lang)])
        return None

    def _suggest(self, who: Who, state: State, partner: str) -> Step:
        profile = self.dialogue.profile(
            state.draft.get("description", ""), state.draft.get("authority"), partner
        )
        cards = self.dialogue.suggestions(profile, who.lang)
        titles = [to_plain(card.html).split("\n")[0] for card in cards[1:]]
        note = referent_text(
            "context_project", description=profile.description, titles="; ".join(titles)
        )
        self.note(who.chat_id, note)
        state.project = profile.description
        state.flow = ""
        return Step(cards)
