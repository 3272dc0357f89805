"""The conversation layer shared by every front end (Telegram, terminal)."""

from .dialogue import FUNDING, Dialogue, Outcome
from .replies import Button, Reply

__all__ = ["FUNDING", "Button", "Dialogue", "Outcome", "Reply"]
