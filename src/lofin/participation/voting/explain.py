"""Why each project won or lost — per voter (주민 개인별 설명) and per project (results page).

Explanations replay the outcome (the MES rounds with their prices, the greedy order) instead of re-deciding, so they
always describe exactly the outcome that was published. The messages give amounts with thousands separators, rounded
to the unit with "≈" where the exact amount is a fraction; the voter's share, spending and payments stay exact strings
("1234/7") for the record, and the screens round them the same way (the `approx_won` filter).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .engine import Outcome
from .model import Election, Money, format_amount, gettext_noop, translate

if TYPE_CHECKING:
    from .mesrun import MesRun
    from .prepared import Prepared

# reason codes → message templates (translated when rendered)
REASONS = {
    "free": gettext_noop(
        "Costs nothing and has supporters, so the Method of Equal Shares takes it before the first round."
    ),
    "mes_bought": gettext_noop(
        "Bought in round %(round)d of the Method of Equal Shares: its supporters shared the cost of %(cost)s, "
        "each paying up to %(price)s."
    ),
    "mes_never_affordable": gettext_noop(
        "Its supporters together held only %(money)s of their equal shares, less than its cost of %(cost)s."
    ),
    "mes_unaffordable": gettext_noop(
        "After round %(round)d, which bought %(instead)s, its supporters had only %(money)s left, less than its "
        "cost of %(cost)s."
    ),
    "greedy_selected": gettext_noop(
        "Ranked %(rank)d by %(measure)s; it fitted the remaining budget of %(remaining)s and was selected."
    ),
    "greedy_no_room": gettext_noop(
        "Ranked %(rank)d by %(measure)s; only %(remaining)s of the budget was left when its turn came, less than its "
        "cost of %(cost)s."
    ),
}
MEASURES = {
    "cost": gettext_noop("votes"),
    "cardinality": gettext_noop("votes per won"),
    "points": gettext_noop("points per won"),
    "borda": gettext_noop("Borda score per won"),
}


def format_money(x: Fraction | int, places: int = 0) -> str:
    """An amount with thousands separators and `places` decimals (those of the election's money: 2 for a file in
    złoty with grosze, 0 for won), prefixed with "≈" when the exact amount needs more (then rounded half to even, as
    `round` does)."""
    x = Fraction(x)
    scaled = x * 10**places
    units = round(scaled)
    whole, cents = divmod(abs(units), 10**places)
    text = ("-" if units < 0 else "") + f"{whole:,}" + (f".{cents:0{places}d}" if places else "")
    return text if scaled.denominator == 1 else "≈" + text


def money_places(scale: int) -> int:
    """Decimals to show for an election counted in units of 1/scale (0 for whole amounts, 2 for cents)."""
    places = 0
    while scale % 10 == 0 and scale > 1:
        scale //= 10
        places += 1
    return places if scale == 1 else 2


@dataclass
class ProjectVerdict:
    project: str
    name: str
    cost: Money  # in the election's money
    won: bool
    reason: str  # a key of REASONS
    params: dict[str, Any] = field(default_factory=dict)
    paid: str | None = None  # what this voter paid for it (per-voter explanations, MES only)

    @property
    def message(self) -> str:
        return translate(REASONS[self.reason]) % {
            k: translate(v) if k == "measure" else v for k, v in self.params.items()
        }

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if not isinstance(self.cost, int):
            out["cost"] = format_amount(self.cost)  # a decimal amount as pabulib writes it: "2828094.61"
        out["message"] = self.message
        return out


@dataclass
class VoterExplanation:
    voter_id: str
    rule: str
    sat: str
    endowment: str | None  # the voter's equal share of the budget in the (last) MES run
    spent: str | None
    left: str | None
    projects: list[ProjectVerdict]

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "projects"}
        out["projects"] = [p.as_dict() for p in self.projects]
        return out


class _Replay:
    """The outcome's MES rounds replayed; for chosen projects, when their supporters' money ran out."""

    def __init__(self, prep: Prepared, outcome: Outcome, watch: list[int], voter: int | None) -> None:
        self.money_before: dict[int, Fraction] = {}
        self.ran_out: dict[int, tuple[int, str, Fraction]] = {}  # project → (round, bought instead, money left)
        self.paid: dict[str, Fraction] = {}
        self.voter_budget: list[Fraction] = []
        if outcome.endowment is None or (not outcome.mes_rounds and not watch):
            return
        # lazy: numpy loads only when an explanation is asked for (`lofin pb` starts without it)
        from .mesrun import MesRun  # noqa: PLC0415, RUF100

        run = MesRun(prep, outcome.endowment * prep.scale, [])
        for p in watch:
            self.money_before[p] = self._money(run, p)
        if voter is not None:
            self.voter_budget.append(run.budget(voter) / prep.scale)
        for k, r in enumerate(outcome.mes_rounds, start=1):
            before = None if voter is None else run.budget(voter)
            run.buy(prep.index[r.project], prep.rho_in(r.rho))
            if voter is not None:
                after = run.budget(voter)
                if after != before:
                    self.paid[r.project] = (before - after) / prep.scale  # type: ignore[operator]
                self.voter_budget.append(after / prep.scale)
            for p in watch:
                if p not in self.ran_out and prep.ids[p] != r.project:
                    money = self._money(run, p)
                    if money < prep.costs[p] <= self.money_before[p]:
                        self.ran_out[p] = (k, r.project, money)

    @staticmethod
    def _money(run: MesRun, p: int) -> Fraction:
        return run.money(p)


def _verdicts(prep: Prepared, outcome: Outcome, projects: list[int], voter: int | None) -> tuple[list, _Replay]:
    """Verdicts in the election's money; the replay and the greedy ranks count internally (`Prepared.scale`)."""
    winners = set(outcome.winners)
    mes_round = {r.project: (k, r.rho) for k, r in enumerate(outcome.mes_rounds, start=1)}
    uses_mes = outcome.rule != "greedy"
    replay = _Replay(prep, outcome, [p for p in projects if prep.ids[p] not in winners] if uses_mes else [], voter)
    places = money_places(prep.scale)

    def money(internal: int | Fraction) -> str:
        return format_money(Fraction(internal) / prep.scale, places)

    greedy_rank: dict[str, tuple[int, int]] = {}
    remaining = prep.budget - sum(prep.costs[prep.index[w]] for w in outcome.winners if w not in outcome.greedy)
    for rank, pid in enumerate(outcome.greedy_order, start=1):
        greedy_rank[pid] = (rank, remaining)
        if pid in outcome.greedy:
            remaining -= prep.costs[prep.index[pid]]
    verdicts = []
    for p in projects:
        pid = prep.ids[p]
        project = prep.election.projects[p]
        params: dict[str, Any] = {"cost": money(prep.costs[p])}
        if pid in outcome.initial:
            reason = "free"
        elif pid in mes_round:
            k, rho = mes_round[pid]
            reason = "mes_bought"
            # the most a supporter paid: ρ times the largest satisfaction among them (internal ρ · internal u)
            params.update(round=k, price=money(prep.rho_in(rho) * max(u for u, _ in prep.buckets()[p])))
        elif pid in greedy_rank and (pid in winners or outcome.rule in ("greedy", "mes+greedy")):
            rank, left = greedy_rank[pid]
            reason = "greedy_selected" if pid in winners else "greedy_no_room"
            params.update(rank=rank, remaining=money(left), measure=MEASURES[prep.sat])
        elif p in replay.ran_out:
            k, instead, left_money = replay.ran_out[p]
            reason = "mes_unaffordable"
            params.update(round=k, instead=instead, money=money(left_money))
        else:
            reason = "mes_never_affordable"
            params.update(money=money(replay.money_before.get(p, Fraction(0))))
        paid = replay.paid.get(pid)
        if paid is None and reason == "mes_bought" and voter is not None:
            paid = Fraction(0)  # a supporter whose share was already spent pays nothing
        verdicts.append(
            ProjectVerdict(
                pid, project.name, project.cost, pid in winners, reason, params, None if paid is None else str(paid)
            )
        )
    return verdicts, replay


def explain(election: Election, outcome: Outcome, voter_id: str) -> VoterExplanation:
    """For every project the voter supported: won or lost, and why; plus the voter's share and spending."""
    # lazy: numpy loads only when an explanation is asked for (`lofin pb` starts without it)
    from .prepared import Prepared  # noqa: PLC0415, RUF100

    prep = Prepared(election, outcome.sat)
    voter = next((i for i, b in enumerate(election.ballots) if b.voter_id == voter_id), None)
    if voter is None:
        raise KeyError(voter_id)
    supported = [p for p, u in prep.groups[prep.group_of(voter_id)] if u > 0]
    supported.sort(key=lambda p: prep.ids[p])
    verdicts, replay = _verdicts(prep, outcome, supported, voter if outcome.endowment is not None else None)
    endowment = outcome.endowment
    spent = sum(replay.paid.values(), Fraction(0)) if endowment is not None else None
    return VoterExplanation(
        voter_id=voter_id,
        rule=outcome.rule,
        sat=outcome.sat,
        endowment=None if endowment is None else str(endowment),
        spent=None if spent is None else str(spent),
        left=None if endowment is None or spent is None else str(endowment - spent),
        projects=verdicts,
    )


def explain_project(election: Election, outcome: Outcome, project_id: str) -> ProjectVerdict:
    """Why one project won or lost, for the public results page."""
    # lazy: numpy loads only when an explanation is asked for (`lofin pb` starts without it)
    from .prepared import Prepared  # noqa: PLC0415, RUF100

    prep = Prepared(election, outcome.sat)
    verdicts, _ = _verdicts(prep, outcome, [prep.index[project_id]], None)
    verdict = verdicts[0]
    verdict.params["supporters"] = prep.supporters[prep.index[project_id]]
    return verdict


@dataclass
class SelectionStep:
    """One winner in the order the rule took it, with what a reader needs to check the step by hand."""

    project: str
    name: str
    step: str  # "free" (zero cost, before MES's first round), "mes" (a round of MES) or "greedy"
    cost: Money
    remaining: Money  # the budget left after this project
    round: int | None = None  # MES round
    rho: Fraction | None = None  # MES price per unit of satisfaction (a supporter pays min(budget, ρ·satisfaction))
    price: Fraction | None = None  # the most one supporter paid: ρ times the largest satisfaction among them
    rank: int | None = None  # greedy: the project's place in greedy's order

    def as_dict(self) -> dict[str, Any]:
        def amount(value: Money | None) -> int | str | None:
            return value if value is None or isinstance(value, int) else format_amount(value)

        return {
            "project": self.project, "name": self.name, "step": self.step, "cost": amount(self.cost),
            "remaining": amount(self.remaining), "round": self.round,
            "rho": None if self.rho is None else str(self.rho), "price": None if self.price is None else str(self.price),
            "rank": self.rank,
        }  # fmt: skip


def selection(election: Election, outcome: Outcome) -> list[SelectionStep]:
    """The winners in the order they were taken, each with its round, price per supporter and the budget left after
    it: the published result, re-derivable from the election file alone."""
    # lazy: numpy loads only when an explanation is asked for (`lofin pb` starts without it)
    from .prepared import Prepared  # noqa: PLC0415, RUF100

    prep = Prepared(election, outcome.sat)
    left = Fraction(prep.budget)
    steps = []
    rounds = {r.project: (k, r.rho) for k, r in enumerate(outcome.mes_rounds, start=1)}
    rank = {pid: k for k, pid in enumerate(outcome.greedy_order, start=1)}
    for pid in outcome.winners:
        p = prep.index[pid]
        left -= prep.costs[p]
        project = election.projects[p]
        step = SelectionStep(pid, project.name, "greedy", project.cost, prep.money(left))
        if pid in outcome.initial:
            step.step = "free"
        elif pid in rounds and pid not in outcome.greedy:
            step.step, (step.round, step.rho) = "mes", rounds[pid]
            top = max(u for u, _ in prep.buckets()[p])
            step.price = prep.rho_in(step.rho) * top / prep.scale
        else:
            step.rank = rank.get(pid)
        steps.append(step)
    return steps
