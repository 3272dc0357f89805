"""Everything a front end needs, started and stopped together: the assistant (index and
model), the database, the referent directory and the dialogue built on them."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from .assistant import Assistant
from .config import Settings
from .db import Database
from .dialogue import Dialogue
from .ratelimit import RateLimiter
from .referents import load_directory


class Services:
    """Owned by the application: ``initialize()`` at start-up, ``shutdown()`` at the end."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self.assistant = Assistant(settings, embeddings)
        self.database = Database(settings.database)
        self.limiter = RateLimiter(settings.rate_limit_per_minute, 60.0)
        self._dialogue: Dialogue | None = None

    @property
    def dialogue(self) -> Dialogue:
        if self._dialogue is None:
            raise RuntimeError("services not initialized: call initialize() first")
        return self._dialogue

    def initialize(self, progress: bool = False) -> None:
        """Load the referents, open the database and the index (building it if missing)."""
        directory = load_directory(self.settings.referents_path)
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.database.initialize()
        self.assistant.initialize(progress=progress)
        dialogue = Dialogue(self.assistant, directory, self.database)
        dialogue.load_calls(self.settings.knowledge_dir / "calls")
        self._dialogue = dialogue

    def shutdown(self) -> None:
        self.assistant.shutdown()
        self.database.shutdown()
