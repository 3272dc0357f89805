"""The reliability suite: slow cases (real processes, 1,000 generated messages), run by
``python benchmarks/reliability.py`` or with ``INSPIRE_RELIABILITY=1 pytest tests/reliability``;
skipped in the default test run."""

from __future__ import annotations

import os

import pytest

from tests.telegram.conftest import bot, bot_api, bot_settings, clock, services  # noqa: F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("INSPIRE_RELIABILITY") == "1":
        return
    skip = pytest.mark.skip(reason="reliability suite: python benchmarks/reliability.py")
    for item in items:
        if "tests/reliability/" in item.nodeid:
            item.add_marker(skip)
