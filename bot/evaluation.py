"""Quality of retrieval and answers on a gold set, for each retrieval mode in the same run."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .assistant import Assistant
from .calls import BRUSSELS, Authority
from .config import Settings
from .errors import InspireError
from .matching import Matcher, Profile, load_call_folder
from .quality import Evaluator, format_tables, load_gold, tables
from .retrieval import Mode

SPLITS = ("dev", "test")
Item = TypeVar("Item", bound=BaseModel)


def _load_list(path: Path, model: type[Item]) -> list[Item]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [model.model_validate(item) for item in raw]
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise InspireError(f"cannot read the gold set {path}: {exc}") from exc


class GoldProject(BaseModel):
    """A project description and the programmes or calls that fit it (any one counts)."""

    model_config = ConfigDict(extra="forbid")

    description: str
    authority: Authority | None = None
    country: str | None = None
    partner_country: str | None = None
    expected: list[str]
    split: Literal["dev", "test"] = "dev"  # test items are never used to tune the matcher


@dataclass
class MatchScores:
    mode: str
    projects: int
    hit_at_3: float
    mrr: float
    clock: str = ""  # the day the statuses were derived for
    split: str = "all"
    next_step_share: float = 1.0  # suggestions shown with a next step (open … permanent)
    empty_screens: int = 0  # projects for which nothing passed the relevance floor


CALLS_CLOCK = dt.datetime(2025, 3, 1, 12, 0, tzinfo=BRUSSELS)  # frozen, for stable figures


def evaluate_matching(
    assistant: Assistant,
    gold: list[GoldProject],
    mode: Mode,
    calls_folder: Path,
    now: dt.datetime | None = None,
    split: str | None = None,
) -> MatchScores:
    """hit@3 and MRR of the expected programmes among the suggestions, at ``now`` (default
    ``CALLS_CLOCK``); an expected call counts through its programme."""
    clock = now or CALLS_CLOCK
    matcher = Matcher(assistant, load_call_folder(calls_folder), clock=lambda: clock)
    items = [g for g in gold if split is None or g.split == split]
    hits = empty = shown = with_step = 0
    reciprocal = 0.0
    for item in items:
        profile = Profile(
            description=item.description,
            authority=item.authority,
            country=item.country,
            partner_country=item.partner_country,
        )
        wanted = {matcher.unit_of(e) or e for e in item.expected}
        proposal = matcher.propose(profile, k=10, mode=mode)
        empty += not proposal.suggestions
        cards = proposal.suggestions or proposal.closest
        shown += len(cards)
        with_step += sum(s.has_next_step for s in cards)
        units = [s.programme_id or s.id for s in proposal.suggestions]
        rank = next((i for i, unit in enumerate(units, 1) if unit in wanted), None)
        if rank is not None:
            hits += rank <= 3
            reciprocal += 1 / rank
    n = max(len(items), 1)
    return MatchScores(
        mode=mode,
        projects=len(items),
        hit_at_3=hits / n,
        mrr=reciprocal / n,
        clock=clock.date().isoformat(),
        split=split or "all",
        next_step_share=with_step / shown if shown else 1.0,
        empty_screens=empty,
    )


def matching_runs(
    assistant: Assistant, projects: list[GoldProject], folder: Path, today: dt.datetime
) -> list[MatchScores]:
    """Today's date and the frozen one, test and dev splits, hybrid and dense retrieval."""
    return [
        evaluate_matching(assistant, projects, mode, folder, now=clock, split=split)
        for clock in (today, CALLS_CLOCK)
        for split in ("test", "dev")
        for mode in ("hybrid", "dense")
    ]


def format_matching(runs: list[MatchScores]) -> str:
    header = "clock       split  mode     projects  hit@3  MRR    next-step  empty"
    lines = [header, "-" * len(header)]
    for m in runs:
        lines.append(
            f"{m.clock:<11} {m.split:<6} {m.mode:<8} {m.projects:>8}  {m.hit_at_3:.3f}  "
            f"{m.mrr:.3f}  {m.next_step_share:>9.3f}  {m.empty_screens:>5}"
        )
    return "\n".join(lines)


def run_evaluation(
    settings: Settings, gold_path: Path, as_json: bool = False, splits: tuple[str, ...] = SPLITS
) -> int:
    """``inspire-bot eval``: answers through the whole conversation, per split and language,
    beside a plain dense top-4 baseline; then call suggestions (today and a frozen date)."""
    gold = load_gold(gold_path)
    calls_path = gold_path.with_name("gold_calls.yaml")
    projects = _load_projects(calls_path) if calls_path.exists() else []
    assistant = Assistant(settings)
    assistant.initialize()
    evaluator = Evaluator(assistant)
    try:
        results = {s: tables(evaluator.run([g for g in gold if g.split == s])) for s in splits}
    finally:
        evaluator.close()
    folder = settings.knowledge_dir / "calls"
    matching = matching_runs(assistant, projects, folder, dt.datetime.now(dt.UTC))
    assistant.shutdown()
    if as_json:
        print(
            json.dumps(
                {
                    "answers": {s: [asdict(r) for r in rows] for s, rows in results.items()},
                    "calls": [asdict(m) for m in matching if projects],
                },
                indent=1,
            )
        )
        return 0
    for split, rows in results.items():
        print(format_tables(split, rows))
        print()
    if projects:
        print(f"call suggestions ({len(projects)} projects, today and a frozen date)")
        print(format_matching(matching))
    return 0


def _load_projects(path: Path) -> list[GoldProject]:
    return _load_list(path, GoldProject)
