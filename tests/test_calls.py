from pathlib import Path

import pytest
import yaml

from bot.calls import load_calls
from bot.errors import KnowledgeError
from tests.corpus import CALLS

REPO = Path(__file__).resolve().parent.parent


def test_shipped_curated_calls_are_valid():
    result = load_calls(REPO / "knowledge" / "calls" / "curated.yaml")
    assert result.problems == []
    assert len(result.calls) == 30
    assert len({c.id for c in result.calls}) == 30
    for call in result.calls:
        assert call.link.startswith("http")
        assert call.sources


def test_bad_record_is_reported_by_file_and_field(tmp_path):
    bad = dict(CALLS[0], id="bad-date", deadlines=[{"date": "2027-13-45"}])
    path = tmp_path / "calls.yaml"
    path.write_text(yaml.safe_dump([CALLS[1], bad]), encoding="utf-8")
    result = load_calls(path)
    assert [c.id for c in result.calls] == ["test-climate-2027"]
    [problem] = result.problems
    assert str(path) in problem
    assert "record 2 (id 'bad-date')" in problem
    assert "field 'deadlines.0.date'" in problem


def test_duplicate_ids_and_unknown_fields_are_reported(tmp_path):
    path = tmp_path / "calls.yaml"
    typo = dict(CALLS[1], id="typo", amount="5 EUR")
    path.write_text(yaml.safe_dump([CALLS[0], CALLS[0], typo]), encoding="utf-8")
    result = load_calls(path)
    assert len(result.calls) == 1
    assert any("duplicate id 'test-twinning-2027'" in p for p in result.problems)
    assert any("field 'amount'" in p for p in result.problems)


def test_a_file_that_is_not_a_list_is_an_error(tmp_path):
    path = tmp_path / "calls.yaml"
    path.write_text("id: lonely\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="expected a list"):
        load_calls(path)
