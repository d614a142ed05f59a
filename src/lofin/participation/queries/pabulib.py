"""A cycle's election in the pabulib (.pb) format, through the voting engine's writer: exactly the election the
count uses (`queries.results.build_elections`), so anyone can re-run it with pabutools or `lofin pb solve`."""

from __future__ import annotations

from .. import voting
from ..models import Cycle
from .results import build_elections


def export_pb(cycle: Cycle) -> list[tuple[str, str]]:
    """(file name, .pb text) per election of the cycle: the common amount and each district with its own."""
    out = []
    for group in build_elections(cycle):
        suffix = f"_{group.district.code}" if group.district else ""
        out.append(
            (f"korea_{cycle.government.code}_{cycle.year}_{cycle.pk}{suffix}.pb", voting.write_pb(group.election))
        )
    return out
