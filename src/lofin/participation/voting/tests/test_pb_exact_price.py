"""MES prices are exact even where floats order two nearly equal budgets per point the wrong way round."""

from fractions import Fraction

import numpy as np

from lofin.participation.voting.mesrun import MesRun
from lofin.participation.voting.model import Ballot, Election, Project
from lofin.participation.voting.prepared import Prepared


def test_a_price_is_proven_against_every_supporter_not_only_those_at_the_float_boundary():
    # One project of cost 37 and three supporters: A gives 3 points with budget (3X+1)/D, B 1 point with X/D, C 1
    # point with plenty. With cost·D = 5X+1 the float keys budget/u of A and B tie or cross although A's is larger
    # by 1/(3D): a check of the boundary alone accepted ρ = 37/5, which leaves the cost short by 1/(5D + 15).
    cost, D = 37, 10**20 + 3
    X = (cost * D - 1) // 5
    assert cost * D == 5 * X + 1
    election = Election(
        budget=100,
        projects=[Project("p", cost)],
        ballots=[Ballot("a", points={"p": 3}), Ballot("b", points={"p": 1}), Ballot("c", points={"p": 1})],
        vote_type="cumulative",
    )
    run = MesRun(Prepared(election, "points"), Fraction(1), [0])
    budgets = [Fraction(3 * X + 1, D), Fraction(X, D), Fraction(10**6)]
    run.D = D
    run.nums = np.array([b.numerator * (D // b.denominator) for b in budgets], dtype=object)
    run.epoch = np.zeros(3, dtype=np.int64)
    run.mult = np.array([1], dtype=object)
    run.fl = np.array([float(b) for b in budgets], dtype=np.float64)
    run.cls = np.arange(3, dtype=np.int64)

    rho = run.price(0)
    points = [3, 1, 1]
    assert sum(min(b, rho * u) for b, u in zip(budgets, points, strict=True)) == cost
    assert rho != Fraction(37, 5)
