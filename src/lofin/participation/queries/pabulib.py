"""A cycle's election in the pabulib (.pb) format, through the voting engine's writer: exactly the election the
count used (`queries.results.build_elections`; its sha256 is the result's digest), so anyone can re-run it with
pabutools or `lofin pb solve`. Sealed until the count: before it the file would be the running result. Its voters
are 1..n in a random order, with no ballot id, receipt or person."""

from __future__ import annotations

from .. import voting
from ..errors import BallotsSealed
from ..models import Cycle
from .results import build_elections, is_counted


def export_pb(cycle: Cycle) -> list[tuple[str, str]]:
    """(file name, .pb text) per election of the cycle: the common amount and each district with its own."""
    if not is_counted(cycle):
        raise BallotsSealed()
    out = []
    for group in build_elections(cycle):
        suffix = f"_{group.district.code}" if group.district else ""
        out.append(
            (f"korea_{cycle.government.code}_{cycle.year}_{cycle.pk}{suffix}.pb", voting.write_pb(group.election))
        )
    return out
