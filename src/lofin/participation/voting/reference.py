"""Bridge to pabutools (the reference implementation) for the comparison tests and the benchmark.

pabutools is a `bench` dependency group, not a run-time one: import this module only where pabutools is installed.
"""

from __future__ import annotations

from .model import Election
from .pabulib import write_pb

PABUTOOLS_SAT = {
    "cost": "Cost_Sat",
    "cardinality": "Cardinality_Sat",
    "points": "Additive_Cardinal_Sat",
    "borda": "Additive_Borda_Sat",
}


def to_pabutools(election: Election):  # type: ignore[no-untyped-def]
    from pabutools.election.pabulib import parse_pabulib_from_string

    return parse_pabulib_from_string(write_pb(election))


def pabutools_winners(instance, profile, rule: str, sat: str) -> list[str]:  # type: ignore[no-untyped-def]
    from pabutools import election as pe
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

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
