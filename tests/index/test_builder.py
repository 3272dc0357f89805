import copy
import threading

import pytest

from bot.assistant import Assistant
from bot.cards import CardSet
from bot.config import Settings
from bot.errors import IndexLockedError
from bot.index.builder import ingest
from bot.index.generations import current_generation, ingest_lock
from bot.index.manifest import Manifest, is_stale
from bot.index.store import KnowledgeIndex
from bot.retrieval import Retriever
from tests.corpus import CARDS, make_pdf, write_cards
from tests.fakes import EmbeddingFailure


def _search(settings, embeddings, query, **kwargs):
    index = KnowledgeIndex(current_generation(settings.index_dir), embeddings)
    try:
        return Retriever(index, embeddings).search(query, **kwargs)
    finally:
        index.close()


def test_ingest_builds_a_searchable_index(settings, embeddings):
    report = ingest(settings, embeddings)
    assert report.rebuilt
    assert sorted(report.added) == [
        "calls/calls.yaml",
        "programme/exposition.md",
        "programme/guide.pdf",
    ]
    assert report.warnings == []
    hits = _search(settings, embeddings, "Comment adhérer au réseau Horizon ?")
    assert hits[0].chunk.id == "programme/guide.pdf:1:0"
    assert hits[0].chunk.page == 1
    calls = _search(settings, embeddings, "jumelage de villes", kind="call")
    assert calls and all(h.chunk.kind == "call" for h in calls)


def test_reingest_of_unchanged_knowledge_embeds_nothing(settings, embeddings):
    ingest(settings, embeddings)
    before = embeddings.documents
    generation = current_generation(settings.index_dir)
    report = ingest(settings, embeddings)
    assert report.up_to_date
    assert embeddings.documents == before
    assert current_generation(settings.index_dir) == generation


def test_touched_but_identical_files_are_not_reembedded(settings, embeddings):
    ingest(settings, embeddings)
    before = embeddings.documents
    md = settings.knowledge_dir / "programme" / "exposition.md"
    md.write_text(md.read_text(encoding="utf-8"), encoding="utf-8")
    manifest = Manifest.load(current_generation(settings.index_dir))
    assert is_stale(settings.knowledge_dir, manifest)
    assert ingest(settings, embeddings).up_to_date
    assert embeddings.documents == before
    assert not is_stale(
        settings.knowledge_dir, Manifest.load(current_generation(settings.index_dir))
    )


def test_only_the_changed_file_is_reembedded(settings, embeddings):
    ingest(settings, embeddings)
    before = embeddings.documents
    md = settings.knowledge_dir / "programme" / "exposition.md"
    md.write_text(
        "# Horaires\n\nLe musée des volcans ouvre le mardi à 14 heures.\n", encoding="utf-8"
    )
    report = ingest(settings, embeddings)
    assert report.updated == ["programme/exposition.md"]
    assert sorted(report.unchanged) == ["calls/calls.yaml", "programme/guide.pdf"]
    assert 0 < embeddings.documents - before <= 3  # one chunk and its sentences
    texts = [h.chunk.text for h in _search(settings, embeddings, "horaires du musée des volcans")]
    assert any("mardi à 14 heures" in t for t in texts)
    assert not any("circule dans 12 communes" in t for t in texts)
    # the unchanged PDF is still there, carried over from the previous generation
    assert _search(settings, embeddings, "adhérer au réseau Horizon")[0].chunk.source == (
        "programme/guide.pdf"
    )


def test_deleted_files_disappear_from_the_index(settings, embeddings):
    ingest(settings, embeddings)
    (settings.knowledge_dir / "programme" / "exposition.md").unlink()
    report = ingest(settings, embeddings)
    assert report.removed == ["programme/exposition.md"]
    hits = _search(settings, embeddings, "exposition itinérante sur les volcans", k=20)
    assert all(h.chunk.source != "programme/exposition.md" for h in hits)
    index = KnowledgeIndex(current_generation(settings.index_dir), embeddings)
    assert all(c.source != "programme/exposition.md" for c in index.chunks.values())
    assert index.sentences([c for c in index.chunks if "exposition" in c]) == []
    index.close()


def test_a_crash_mid_ingest_leaves_the_previous_index_serving(settings, embeddings):
    ingest(settings, embeddings)
    live = current_generation(settings.index_dir)
    make_pdf(
        settings.knowledge_dir / "programme" / "nouveau.pdf",
        [("NOUVEAU", "Un document entièrement nouveau sur les jardins partagés des communes.")],
    )
    embeddings.fail_after = embeddings.documents + 1
    with pytest.raises(EmbeddingFailure):
        ingest(settings, embeddings)
    assert current_generation(settings.index_dir) == live
    leftovers = [p for p in settings.index_dir.glob("gen-*") if p != live]
    assert leftovers == []
    embeddings.fail_after = None
    assert _search(settings, embeddings, "adhérer au réseau Horizon")[0].chunk.page == 1
    # the next ingest picks the new file up
    assert ingest(settings, embeddings).added == ["programme/nouveau.pdf"]


def test_a_second_concurrent_ingest_is_refused(settings, embeddings):
    with ingest_lock(settings.index_dir), pytest.raises(IndexLockedError, match="already running"):
        ingest(settings, embeddings)
    ingest(settings, embeddings)  # the lock is released afterwards


def test_concurrent_ingests_from_threads_do_not_corrupt(settings, embeddings):
    outcomes = []

    def run():
        try:
            outcomes.append(ingest(settings, embeddings).rebuilt)
        except IndexLockedError:
            outcomes.append("locked")

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) in (["True", "locked"], ["False", "True"])
    assert _search(settings, embeddings, "adhérer au réseau Horizon")[0].chunk.page == 1


def test_bad_files_are_skipped_with_one_warning_each(settings, embeddings):
    programme = settings.knowledge_dir / "programme"
    (programme / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really")
    (programme / "latin1.txt").write_bytes("Coopération".encode("latin-1"))
    calls = settings.knowledge_dir / "calls" / "calls.yaml"
    calls.write_text(
        calls.read_text(encoding="utf-8") + "- id: Bad Id\n  title: x\n", encoding="utf-8"
    )
    report = ingest(settings, embeddings)
    warnings = "\n".join(report.warnings)
    assert "skipped programme/broken.pdf: the PDF is damaged" in warnings
    assert "skipped programme/latin1.txt: the file is not UTF-8" in warnings
    assert "calls/calls.yaml: record 3 (id 'Bad Id'): field 'id'" in warnings
    assert len(report.warnings) == 3
    assert _search(settings, embeddings, "jumelage de villes", kind="call")
    # unchanged bad files are reported again, without being re-read
    assert len(ingest(settings, embeddings).warnings) == 3


def test_changing_the_embedding_model_forces_a_rebuild(settings, embeddings):
    ingest(settings, embeddings)
    other = Settings(
        knowledge_dir=settings.knowledge_dir,
        data_dir=settings.data_dir,
        chunk_size=600,
        _env_file=None,
    )
    assert ingest(other, embeddings).rebuilt


def test_old_generations_are_pruned(settings, embeddings):
    for _ in range(4):
        ingest(settings, embeddings, rebuild=True)
    assert len(list(settings.index_dir.glob("gen-*"))) == 2


def test_the_assistant_builds_a_missing_index_on_first_use(settings, embeddings):
    assert current_generation(settings.index_dir) is None
    assistant = Assistant(settings, embeddings)
    assistant.initialize()
    assert current_generation(settings.index_dir) is not None
    assert not assistant.answer("Comment adhérer au réseau Horizon ?").abstained
    assistant.shutdown()


def test_a_card_whose_text_stays_but_whose_related_cards_change_is_picked_up(settings, embeddings):
    path = write_cards(settings.knowledge_dir)
    ingest(settings, embeddings)
    before = embeddings.documents
    cards = copy.deepcopy(CARDS)
    cards[0]["related"] = []  # the phrasings and answers are the same: nothing to embed
    write_cards(settings.knowledge_dir, cards, name=path.name)
    report = ingest(settings, embeddings)
    assert not report.up_to_date and report.cards_changed
    assert "answer cards changed" in report.summary()
    assert embeddings.documents == before
    live = current_generation(settings.index_dir)
    assert CardSet.load(live).cards[CARDS[0]["id"]].related == []
    assert ingest(settings, embeddings).up_to_date


def test_an_unreadable_card_file_in_the_live_index_is_written_again(settings, embeddings):
    write_cards(settings.knowledge_dir)
    ingest(settings, embeddings)
    (current_generation(settings.index_dir) / "cards.json").write_text("{not json", "utf-8")
    report = ingest(settings, embeddings)
    assert report.cards_changed and not report.up_to_date
    assert CARDS[0]["id"] in CardSet.load(current_generation(settings.index_dir)).cards
