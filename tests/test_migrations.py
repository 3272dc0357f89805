"""Schema migrations: the models and the revisions agree, a fresh database is migrated, one made
by the ``create_all`` of earlier versions is adopted, and on PostgreSQL (when
INSPIRE_TEST_DATABASE_URL is set) processes starting together do not collide.

The PostgreSQL cases run in a database of their own on that server, dropped at the end.
"""

import os
import shutil
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from bot import migrations
from bot.cli import main
from bot.db import Base, Database
from tests.databases import throwaway_postgres

POSTGRES = os.environ.get("INSPIRE_TEST_DATABASE_URL", "")
# unknown to the create_all days (new_call_notices: revision 0002)
NEW_TABLES = {"flow_states", "user_settings", "processed_updates", "new_call_notices"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """The URL of an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    if not POSTGRES:
        pytest.skip("no PostgreSQL reachable (set INSPIRE_TEST_DATABASE_URL; .ci/run does)")
    with throwaway_postgres(POSTGRES, "inspire_migrations") as url:
        yield url


def _differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_the_models_and_the_migrations_agree(empty_url):
    """A model changed without a revision fails here: write one with `inspire-bot db revision`."""
    database = Database(empty_url)
    database.initialize()
    assert database.revision() == migrations.head()
    assert _differences(database._engine) == []
    database.initialize()  # at the latest revision already: nothing to do
    database.shutdown()


def test_a_database_made_by_create_all_is_adopted(empty_url):
    engine = create_engine(empty_url)
    old_tables = [t for t in Base.metadata.sorted_tables if t.name not in NEW_TABLES]
    Base.metadata.create_all(engine, tables=old_tables)  # what the code before migrations did
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE outbox DROP COLUMN claimed_until"))  # older still
        connection.execute(
            text("INSERT INTO inactive_chats (chat_hash, since) VALUES ('abc', '2026-01-01 10:00')")
        )
    engine.dispose()
    database = Database(empty_url)
    database.initialize()
    assert database.revision() == migrations.head()
    assert "abc" in database.inactive_chats()  # the data is kept
    assert set(inspect(database._engine).get_table_names()) >= NEW_TABLES
    assert _differences(database._engine) == []  # claimed_until is back, nothing else differs
    database.shutdown()


@pytest.mark.parametrize("empty_url", ["postgresql"], indirect=True)  # SQLite: one process
def test_processes_starting_together_migrate_once(empty_url):
    databases = [Database(empty_url) for _ in range(3)]
    ready = threading.Barrier(len(databases))
    failures: list[BaseException] = []

    def start(database: Database) -> None:
        ready.wait()
        try:
            database.initialize()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with databases[0]._engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert [v for (v,) in versions] == [migrations.head()]
    for database in databases:
        database.shutdown()


def test_db_upgrade_and_current(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INSPIRE_DATA_DIR", str(tmp_path / "var"))
    assert main(["db", "current"]) == 1
    assert "none (the latest is" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{migrations.head()} (head)"] * 2


def test_db_revision_writes_the_next_revision(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.HERE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "HERE", folder)
    latest = migrations.head()
    following = f"{int(latest) + 1:04d}"
    assert main(["db", "revision", "nothing new"]) == 0
    written = folder / "versions" / f"{following}_nothing_new.py"
    assert str(written) in capsys.readouterr().out
    source = written.read_text(encoding="utf-8")
    assert f"down_revision = '{latest}'" in source
    body = source.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    code = [line.strip() for line in body.splitlines() if line.strip() and "#" not in line]
    assert code == ["pass"]  # the models match the revisions: nothing to do
    assert migrations.head() == following
