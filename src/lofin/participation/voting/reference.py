"""Bridge to pabutools (the reference implementation) for the comparison tests and the benchmark.

pabutools is a `bench` dependency group, not a run-time one: import this module only where pabutools is installed.
"""

from __future__ import annotations

from typing import Any

from pabutools import election as pe
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares

from .model import Election
from .pabulib import write_pb

PABUTOOLS_SAT = {
    "cost": "Cost_Sat",
    "cardinality": "Cardinality_Sat",
    "points": "Additive_Cardinal_Sat",
    "borda": "Additive_Borda_Sat",
}


def to_pabutools(election: Election) -> tuple[Any, Any]:
    return parse_pabulib_from_string(write_pb(election))


def pabutools_winners(instance: Any, profile: Any, rule: str, sat: str) -> list[str]:
    sat_class = getattr(pe, PABUTOOLS_SAT[sat])
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=sat_class)
    elif rule == "mes":
        outcome = method_of_equal_shares(instance, profile, sat_class=sat_class)
    elif rule == "mes+greedy":
        outcome = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": sat_class}, {"sat_class": sat_class}],
        )
    elif rule == "mes-add1":
        outcome = method_of_equal_shares(instance, profile, sat_class=sat_class, voter_budget_increment=1)
    else:
        raise ValueError(rule)
    return sorted(p.name for p in outcome)
