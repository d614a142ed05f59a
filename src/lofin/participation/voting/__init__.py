"""주민참여예산 voting engine: pabulib import/export and winner rules (greedy, Method of Equal Shares) with exact
arithmetic and per-voter explanations. Pure Python (plus numpy for integer counting); no database."""

from .engine import MesRound, Outcome, solve
from .explain import explain, explain_project, selection
from .model import RULES, SATISFACTIONS, Ballot, Election, PbFormatError, Project, VotingError, whole_won
from .pabulib import parse_pb, write_pb

__all__ = [
    "RULES",
    "SATISFACTIONS",
    "Ballot",
    "Election",
    "MesRound",
    "Outcome",
    "PbFormatError",
    "Project",
    "VotingError",
    "explain",
    "explain_project",
    "parse_pb",
    "selection",
    "solve",
    "whole_won",
    "write_pb",
]
