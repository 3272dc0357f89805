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
from .index.chunking import Chunk
from .matching import Matcher, Profile, load_call_folder
from .retrieval import MODES, Mode
from .text import fold

RANK_DEPTH = 10
Item = TypeVar("Item", bound=BaseModel)


class GoldQuestion(BaseModel):
    """One gold item: an answerable question with its source and fact, or an off-topic one."""

    model_config = ConfigDict(extra="forbid")

    q: str
    lang: str | None = None
    abstain: bool = False
    source: str | None = None
    page: int | None = None
    call: str | None = None
    fact: str | None = None

    def matches(self, chunk: Chunk) -> bool:
        if chunk.source != self.source:
            return False
        if self.page is not None and chunk.page != self.page:
            return False
        return self.call is None or chunk.id.split(":")[1] == self.call


@dataclass
class Scores:
    mode: str
    questions: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    fact_share: float
    abstain_precision: float
    abstain_recall: float


def _load_list(path: Path, model: type[Item]) -> list[Item]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [model.model_validate(item) for item in raw]
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise InspireError(f"cannot read the gold set {path}: {exc}") from exc


def load_gold(path: Path) -> list[GoldQuestion]:
    return _load_list(path, GoldQuestion)


def evaluate(assistant: Assistant, gold: list[GoldQuestion], mode: Mode) -> Scores:
    """Retrieval ranks of the expected source, facts in answers, abstention quality."""
    retriever = assistant.answerer.retriever
    answerable = [g for g in gold if not g.abstain]
    hits1 = hits3 = 0
    reciprocal = 0.0
    facts = 0
    abstained_right = abstained_total = 0
    for item in gold:
        answer = assistant.answer(item.q, item.lang, mode=mode)
        abstained_total += answer.abstained
        abstained_right += answer.abstained and item.abstain
        if item.abstain:
            continue
        ranked = retriever.search(item.q, k=RANK_DEPTH, mode=mode)
        rank = next((i for i, hit in enumerate(ranked, 1) if item.matches(hit.chunk)), None)
        if rank is not None:
            hits1 += rank == 1
            hits3 += rank <= 3
            reciprocal += 1 / rank
        if item.fact and not answer.abstained and fold(item.fact) in fold(answer.answer):
            facts += 1
    off_topic = sum(g.abstain for g in gold)
    n = max(len(answerable), 1)
    return Scores(
        mode=mode,
        questions=len(gold),
        hit_at_1=hits1 / n,
        hit_at_3=hits3 / n,
        mrr=reciprocal / n,
        fact_share=facts / n,
        abstain_precision=abstained_right / abstained_total if abstained_total else 1.0,
        abstain_recall=abstained_right / off_topic if off_topic else 1.0,
    )


def format_table(rows: list[Scores]) -> str:
    header = "mode     questions  hit@1  hit@3  MRR    facts  abstain-P  abstain-R"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.mode:<8} {r.questions:>9}  {r.hit_at_1:.3f}  {r.hit_at_3:.3f}  {r.mrr:.3f}  "
            f"{r.fact_share:.3f}  {r.abstain_precision:>9.3f}  {r.abstain_recall:>9.3f}"
        )
    return "\n".join(lines)


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


def run_evaluation(settings: Settings, gold_path: Path, as_json: bool = False) -> int:
    """``inspire-bot eval``: answers (three retrieval modes) and call suggestions (two)."""
    gold = load_gold(gold_path)
    calls_path = gold_path.with_name("gold_calls.yaml")
    projects = _load_projects(calls_path) if calls_path.exists() else []
    assistant = Assistant(settings)
    assistant.initialize()
    rows = [evaluate(assistant, gold, mode) for mode in MODES]
    folder = settings.knowledge_dir / "calls"
    matching = matching_runs(assistant, projects, folder, dt.datetime.now(dt.UTC))
    assistant.shutdown()
    if as_json:
        print(
            json.dumps(
                {
                    "answers": [asdict(r) for r in rows],
                    "calls": [asdict(m) for m in matching if projects],
                },
                indent=1,
            )
        )
        return 0
    print(format_table(rows))
    if projects:
        print(f"\ncall suggestions ({len(projects)} projects, today and a frozen date)")
        print(format_matching(matching))
    return 0


def _load_projects(path: Path) -> list[GoldProject]:
    return _load_list(path, GoldProject)
