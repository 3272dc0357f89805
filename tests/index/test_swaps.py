"""Index swaps under load: answers running on a generation finish on it; only unused generations
are deleted; a file whose text did not change causes no swap."""

import threading

import yaml

from bot.assistant import Assistant
from bot.index.builder import ingest
from bot.index.generations import PREFIX, current_generation
from tests.corpus import CALLS, MARKDOWN
from tests.fakes.hashing import HashingEmbeddings


def _edit(settings, n: int) -> None:
    md = settings.knowledge_dir / "programme" / "exposition.md"
    md.write_text(MARKDOWN + f"\nÉdition numéro {n} de l'exposition.\n", encoding="utf-8")


def _generations(settings) -> list:
    return sorted(p.name for p in settings.index_dir.glob(f"{PREFIX}*"))


def test_answers_keep_working_while_ingests_swap_the_index(settings):
    embeddings = HashingEmbeddings()
    assistant = Assistant(settings, embeddings)
    assistant.initialize()
    errors: list[BaseException] = []
    done = threading.Event()
    answered = [0]

    def ask() -> None:
        while not done.is_set():
            try:
                assistant.answer("Comment adhérer au réseau Horizon ?")
                assistant.search("exposition itinérante", kind="programme")
                answered[0] += 1
            except BaseException as exc:  # any failure is the bug
                errors.append(exc)
                return

    workers = [threading.Thread(target=ask) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        for n in range(4):
            _edit(settings, n)
            assistant.ingest()
    finally:
        done.set()
        for worker in workers:
            worker.join()
        assistant.shutdown()
    assert errors == []
    assert answered[0] > 0


class PausingEmbeddings(HashingEmbeddings):
    """Pauses the next query embedding until told to go on: an answer caught mid-way."""

    def __init__(self) -> None:
        self.paused = threading.Event()
        self.go_on = threading.Event()
        self.armed = False

    def embed_query(self, text: str) -> list[float]:
        if self.armed:
            self.armed = False
            self.paused.set()
            self.go_on.wait(30)
        return super().embed_query(text)


def test_an_answer_caught_by_a_swap_finishes_on_its_generation(settings):
    embeddings = PausingEmbeddings()
    assistant = Assistant(settings, embeddings)
    assistant.initialize()
    outcome: list[object] = []
    embeddings.armed = True

    def ask() -> None:
        try:
            outcome.append(assistant.search("réseau Horizon"))
        except BaseException as exc:  # any failure is the bug
            outcome.append(exc)

    worker = threading.Thread(target=ask)
    worker.start()
    assert embeddings.paused.wait(30)
    _edit(settings, 1)
    assistant.ingest()  # swaps the index while the search waits between two steps
    embeddings.go_on.set()
    worker.join()
    assistant.shutdown()
    [result] = outcome
    assert isinstance(result, list) and result, result


def test_a_generation_being_read_survives_later_ingests(settings):
    embeddings = HashingEmbeddings()
    assistant = Assistant(settings, embeddings)
    assistant.initialize()
    first = current_generation(settings.index_dir)
    with assistant.lease() as answerer:
        for n in range(3):  # another process (here: the module function) ingests three times
            _edit(settings, n)
            ingest(settings, embeddings)
        assert first.is_dir()
        assert answerer.retriever.search("réseau Horizon")  # still readable
    _edit(settings, 9)
    assistant.ingest()  # now nobody reads it: pruned
    assert not first.exists()
    assert len(_generations(settings)) == 2
    assistant.shutdown()


def test_a_snapshot_whose_only_change_is_its_date_causes_no_swap(settings):
    embeddings = HashingEmbeddings()
    ingest(settings, embeddings)
    live = current_generation(settings.index_dir)
    calls = settings.knowledge_dir / "calls" / "calls.yaml"
    refetched = [dict(call, checked="2026-11-27") for call in CALLS]
    calls.write_text(
        "# Snapshot fetched at 2026-11-27T06:00:00+00:00.\n"
        + yaml.safe_dump(refetched, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    before = embeddings_calls = len(_generations(settings))

    report = ingest(settings, embeddings)

    assert report.up_to_date and report.updated == []
    assert current_generation(settings.index_dir) == live
    assert len(_generations(settings)) == before == embeddings_calls
    # a real change still goes through
    changed = [dict(refetched[0], amounts="Forfait de 99 999 euros."), refetched[1]]
    calls.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    report = ingest(settings, embeddings)
    assert report.updated == ["calls/calls.yaml"]
    assert current_generation(settings.index_dir) != live
