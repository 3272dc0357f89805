"""The dialogue layer's fixture: real services on the small test index, one database per
module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.services import Services
from tests.telegram.conftest import REPO


@pytest.fixture(scope="module")
def services(built_corpus, e5, tmp_path_factory) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    settings = built_corpus.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path_factory.mktemp('db') / 'd.db'}",
            "referents_file": REPO / "knowledge" / "referents.yaml",
        }
    )
    services = Services(settings, e5)
    services.initialize()
    yield services
    services.shutdown()
