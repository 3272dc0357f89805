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
    assert len(result.calls) == 31
    assert len({c.id for c in result.calls}) == 31
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


def _call(**changes):
    from bot.calls import Call

    return Call.model_validate({**CALLS[0], **changes})


def test_status_around_a_deadline_with_a_time():
    import datetime as dt

    from bot.calls import BRUSSELS

    call = _call(deadlines=[{"date": "2027-09-21", "note": "17:00 Bruxelles"}], opens="2027-04-01")
    at = lambda text: dt.datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)  # noqa: E731
    assert call.status(at("2027-03-31T23:59")) == "forthcoming"
    assert call.status(at("2027-04-01T00:00")) == "open"
    assert call.status(at("2027-09-21T16:59")) == "open"
    assert call.days_left(at("2027-09-21T16:59")) == 0
    assert call.status(at("2027-09-21T17:00")) == "closed"
    assert call.days_left(at("2027-09-21T17:00")) is None
    assert call.days_left(at("2027-08-22T09:00")) == 30
    # the same instant seen from UTC
    assert call.status(dt.datetime(2027, 9, 21, 15, 30, tzinfo=dt.UTC)) == "closed"


def test_a_date_without_time_closes_at_the_end_of_the_day():
    import datetime as dt

    from bot.calls import BRUSSELS

    call = _call(deadlines=[{"date": "2027-03-02"}])
    assert call.status(dt.datetime(2027, 3, 2, 23, 0, tzinfo=BRUSSELS)) == "open"
    assert call.status(dt.datetime(2027, 3, 3, 0, 0, tzinfo=BRUSSELS)) == "closed"


def test_no_deadline_is_closed_unless_rolling():
    import datetime as dt

    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert _call(deadlines=[]).status(now) == "closed"
    assert _call(deadlines=[], rolling=True).status(now) == "open"


def test_eligibility_filters_only_on_what_is_known():
    call = _call(applicants=["commune"], countries=["EU", "UA"])
    assert call.accepts("commune", "PL")  # an EU member state
    assert call.accepts("commune", "UA")
    assert not call.accepts("commune", "MD")
    assert not call.accepts("region", None)
    assert _call().accepts("association", "SN")  # nothing known: nothing excluded
