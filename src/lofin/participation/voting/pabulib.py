"""Read and write elections in the pabulib `.pb` format (pabulib.org; Faliszewski et al., IJCAI 2023).

A file has three sections, each a line with its name followed by a header line and `;`-separated rows (CSV
quoting allowed): META (`key;value`, with at least `budget` and `vote_type`), PROJECTS (`project_id;cost;...`)
and VOTES (`voter_id;vote;...`, plus `points` for cumulative and scoring ballots; `vote` is a `,`-separated list,
most preferred first for ordinal ballots). With `decimals=True`, amounts (budget, costs) may be decimal, as pabutools
reads them (`2828094.61`, or `2828094,61`): they become exact `Fraction`s; by default they must be whole. A vote naming a project twice counts it once, as
pabutools does (an approval is a set; a ranking keeps the first position; points keep the first position and the last
value). Parsing is otherwise strict where pabutools is lenient (duplicate ids, unknown projects, points that are not
whole numbers, rows of the wrong length) because a municipality imports these files: every problem is a
`PbFormatError` with the 1-based line number.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from .i18n import N_
from .model import VOTE_TYPES, Ballot, Election, Money, PbFormatError, Project, format_amount, gettext_noop

SECTIONS = ("meta", "projects", "votes")
_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(?:[.,]0*)?$")
# what pabutools' reader (gmpy2.mpq after "," → ".") takes as an amount, less the signs: 12, 12.5, .5, 1e6, 3/2
_AMOUNT = re.compile(r"^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|\d+/\d*[1-9]\d*)$")


def _as_int(text: str, line: int, what: str, *, allow_negative: bool = False) -> int:
    if text.isdecimal():  # digits int() reads (str.isdigit also takes ², which int() refuses)
        return int(text)
    value = text.strip().replace(" ", "")
    if not _DECIMAL.match(value):
        raise PbFormatError(
            line, gettext_noop("%(what)s must be a whole number, not %(value)r."), what=what, value=text
        )
    number = int(re.split(r"[.,]", value)[0])
    if number < 0 and not allow_negative:
        raise PbFormatError(line, gettext_noop("%(what)s cannot be negative (%(value)s)."), what=what, value=text)
    return number


def _as_money(text: str, line: int, what: str, decimals: bool) -> Money:
    """An amount read exactly: an int when whole, else (with `decimals`) a Fraction — never a float."""
    value = text.strip().replace(" ", "").replace(",", ".")
    if value.startswith("-") and _AMOUNT.match(value[1:]):
        raise PbFormatError(line, gettext_noop("%(what)s cannot be negative (%(value)s)."), what=what, value=text)
    if not _AMOUNT.match(value):
        raise PbFormatError(
            line, N_("%(what)s must be an amount (a whole or decimal number such as 2828094.61), not %(value)r."),
            what=what, value=text,
        )  # fmt: skip
    number = Fraction(value)
    if number.denominator == 1:
        return number.numerator
    if not decimals:
        raise PbFormatError(
            line, gettext_noop("%(what)s must be a whole number, not %(value)r."), what=what, value=text
        )
    return number


def _split_list(text: str) -> list[str]:
    if " " not in text and "\t" not in text:  # the usual case, and hundreds of thousands of times per file
        parts = text.split(",")
        return [part for part in parts if part] if "" in parts else parts
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_pb(source: str | os.PathLike[str], *, decimals: bool = False) -> Election:
    """Parse a pabulib file: a path, or the text itself when it contains a newline.

    Amounts are whole numbers unless `decimals`: then a budget or cost in złoty with grosze (2828094.61) is read as
    an exact Fraction. Whole is the default because the web app counts in won and stores integers (its import reads
    files this way); `lofin pb` reads decimals, as pabutools does."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source):
        with open(source, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    else:
        text = str(source).lstrip("\ufeff")
    return parse_pb_text(text, decimals=decimals)


def parse_pb_text(text: str, *, decimals: bool = False) -> Election:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    section = ""
    header: list[str] = []
    section_line = {name: 0 for name in SECTIONS}
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: list[Project] = []
    project_meta: dict[str, dict[str, str]] = {}
    costs: dict[str, Money] = {}
    ballots: list[Ballot] = []
    vote_type = ""
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            first = row[0].strip().lower()
            if (first in SECTIONS and len(row) == 1) or (first in SECTIONS and not any(c.strip() for c in row[1:])):
                if section_line[first]:
                    raise PbFormatError(line, gettext_noop("Section %(section)s appears twice."), section=first.upper())
                expected = SECTIONS[SECTIONS.index(first) - 1] if first != "meta" else None
                if expected and not section_line[expected]:
                    raise PbFormatError(
                        line, gettext_noop("Section %(section)s must come after %(expected)s."), section=first.upper(),
                        expected=expected.upper(),
                    )  # fmt: skip
                section = first
                section_line[first] = line
                try:
                    header = [h.strip() for h in next(reader)]
                except StopIteration:
                    raise PbFormatError(
                        line, gettext_noop("Section %(section)s has no header line."), section=first.upper()
                    ) from None
                if section == "votes":
                    vote_type = _check_meta(meta, meta_lines, section_line["meta"], decimals)
                _check_header(section, header, reader.line_num, vote_type)
                if section == "votes":
                    # the last section: its rows, up to hundreds of thousands, are read in a loop of their own
                    ballots = _votes(reader, header, vote_type, costs)
                continue
            if not section:
                raise PbFormatError(line, gettext_noop("Expected a section name (META, PROJECTS or VOTES)."))
            if section == "meta":
                if len(row) < 2:
                    raise PbFormatError(line, gettext_noop("A META line needs a key and a value separated by ';'."))
                key = row[0].strip()
                if key in meta:
                    raise PbFormatError(line, gettext_noop("META key %(key)s appears twice."), key=key)
                meta[key] = row[1].strip()
                meta_lines[key] = line
                continue
            if len(row) != len(header):
                raise PbFormatError(
                    line, gettext_noop("Expected %(expected)d fields like the header, found %(found)d."), expected=len(header),
                    found=len(row),
                )  # fmt: skip
            fields = {h: v.strip() for h, v in zip(header, row, strict=True)}
            if section == "projects":
                project = _project(fields, line, decimals)
                if project.id in costs:
                    raise PbFormatError(line, gettext_noop("Project %(id)s appears twice."), id=project.id)
                costs[project.id] = project.cost
                projects.append(project)
                extra = {k: v for k, v in fields.items() if k not in _PROJECT_COLUMNS}
                if extra:
                    project_meta[project.id] = extra
    except csv.Error as exc:
        raise PbFormatError(reader.line_num, gettext_noop("Unreadable CSV: %(error)s."), error=str(exc)) from exc
    for name in SECTIONS:
        if not section_line[name]:
            raise PbFormatError(0, gettext_noop("The file has no %(section)s section."), section=name.upper())
    budget = _as_money(meta["budget"], meta_lines["budget"], "budget", decimals)

    def optional(key: str) -> int | None:
        value = meta.get(key, "").strip()
        return _as_int(value, meta_lines[key], key) if value and value.lower() != "none" else None

    return Election(
        budget=budget,
        projects=projects,
        ballots=ballots,
        vote_type=vote_type,
        meta=meta,
        min_length=optional("min_length"),
        max_length=optional("max_length"),
        max_sum_points=optional("max_sum_points"),
        project_meta=project_meta,
    )


_PROJECT_COLUMNS = {"project_id", "cost", "name", "category", "categories", "target", "targets"}


def _check_meta(meta: dict[str, str], lines: dict[str, int], section: int, decimals: bool) -> str:
    if "budget" not in meta:
        raise PbFormatError(section, gettext_noop("META has no budget."))
    _as_money(meta["budget"], lines["budget"], "budget", decimals)
    line = lines.get("vote_type", section)
    vote_type = meta.get("vote_type", "").strip().lower()
    if vote_type == "choose-1":
        vote_type = "approval"
    if vote_type not in VOTE_TYPES:
        raise PbFormatError(
            line, gettext_noop("META vote_type must be one of %(types)s, not %(value)r."), types=", ".join(VOTE_TYPES),
            value=meta.get("vote_type", ""),
        )  # fmt: skip
    return vote_type


def _check_header(section: str, header: list[str], line: int, vote_type: str) -> None:
    columns: dict[str, tuple[str, ...]] = {
        "meta": ("key", "value"), "projects": ("project_id", "cost"), "votes": ("voter_id", "vote"),
    }  # fmt: skip
    required = columns[section]
    if vote_type in ("cumulative", "scoring"):
        required = (*required, "points")
    for column in required:
        if column not in header:
            raise PbFormatError(
                line, gettext_noop("The %(section)s header must have a %(column)s column."), section=section.upper(),
                column=column,
            )  # fmt: skip
    if len(set(header)) != len(header):
        raise PbFormatError(line, gettext_noop("The %(section)s header repeats a column."), section=section.upper())


def _project(fields: dict[str, str], line: int, decimals: bool) -> Project:
    project_id = fields["project_id"]
    if not project_id:
        raise PbFormatError(line, gettext_noop("A project has an empty project_id."))
    cost = _as_money(fields["cost"], line, "cost", decimals)

    def listed(*keys: str) -> tuple[str, ...]:
        for key in keys:
            value = fields.get(key, "")
            if value and value.lower() != "none":
                return tuple(_split_list(value))
        return ()

    name = fields.get("name", "")
    return Project(
        id=project_id,
        cost=cost,
        name="" if name.lower() == "none" else name,
        categories=listed("category", "categories"),
        targets=listed("target", "targets"),
    )


def _votes(reader: Any, header: list[str], vote_type: str, costs: dict[str, Money]) -> list[Ballot]:
    """The rows of the VOTES section, read by position (the header was checked to have voter_id and vote, and points
    for cumulative and scoring ballots); any section name here would be a second one."""
    columns = (header.index("voter_id"), header.index("vote"), header.index("points") if "points" in header else -1)
    width = len(header)
    ballots: list[Ballot] = []
    voters: set[str] = set()
    known = frozenset(costs)
    # approval and ordinal ballots are a list of projects; a project called "none" would read as one ("none" is the
    # empty ballot), so such a file takes the careful path throughout
    listed = vote_type not in ("cumulative", "scoring") and not any(p.lower() == "none" for p in known)
    ordinal = vote_type == "ordinal"
    at_voter, at_vote = columns[0], columns[1]
    for row in reader:
        if len(row) != width or row[0][:1] in "MmPpVv":
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            first = row[0].strip().lower()
            if first in SECTIONS and not any(c.strip() for c in row[1:]):
                raise PbFormatError(
                    reader.line_num, gettext_noop("Section %(section)s appears twice."), section=first.upper()
                )
            if len(row) != width:
                raise PbFormatError(
                    reader.line_num, gettext_noop("Expected %(expected)d fields like the header, found %(found)d."),
                    expected=width, found=len(row),
                )  # fmt: skip
        if listed:
            # The usual row, read here without a call per row (100,000 rows and more): a voter, and projects that are
            # all known, separated by bare commas. Anything else — spaces, empty items, "none", an unknown project,
            # no voter — goes to `_ballot`, which reads it the same way or says what is wrong.
            voter_id = row[at_voter].strip()
            vote = row[at_vote].strip()
            chosen = vote.split(",")
            once = tuple(dict.fromkeys(chosen))
            if not voter_id or " " in vote or "\t" in vote or "" in chosen or not known.issuperset(once):
                ballot = _ballot(row, columns, reader.line_num, vote_type, known)
            elif ordinal:
                ballot = Ballot(voter_id, (), None, once)
            else:
                ballot = Ballot(voter_id, once, None, ())
        else:
            ballot = _ballot(row, columns, reader.line_num, vote_type, known)
        if ballot.voter_id in voters:
            raise PbFormatError(reader.line_num, gettext_noop("Voter %(id)s voted twice."), id=ballot.voter_id)
        voters.add(ballot.voter_id)
        ballots.append(ballot)
    return ballots


def _ballot(row: list[str], columns: tuple[int, int, int], line: int, vote_type: str, known: frozenset[str]) -> Ballot:
    voter_id = row[columns[0]].strip()
    if not voter_id:
        raise PbFormatError(line, gettext_noop("A vote has an empty voter_id."))
    vote = row[columns[1]].strip()
    chosen = [] if vote.lower() == "none" else _split_list(vote)
    if vote_type in ("cumulative", "scoring"):
        raw = row[columns[2]].strip()
        points_text = [] if raw.lower() == "none" else _split_list(raw)
        if len(points_text) != len(chosen):
            raise PbFormatError(
                line, gettext_noop("The vote names %(projects)d projects but gives %(points)d points."), projects=len(chosen),
                points=len(points_text),
            )  # fmt: skip
        # a project named twice keeps its first position and its last points, as pabutools' dict assignment does
        if all(map(str.isdecimal, points_text)):  # the usual case: plain digits, read at once
            points = dict(zip(chosen, map(int, points_text), strict=True))
        else:
            points = {
                p: _as_int(t, line, "points", allow_negative=vote_type == "scoring")
                for p, t in zip(chosen, points_text, strict=True)
            }
        _check_known(points, known, line)
        return Ballot(voter_id, (), points, ())
    once = tuple(dict.fromkeys(chosen))  # a project named twice counts once, at its first position
    _check_known(once, known, line)
    if vote_type == "ordinal":
        return Ballot(voter_id, (), None, once)
    return Ballot(voter_id, once, None, ())


def _check_known(named: Iterable[str], known: frozenset[str], line: int) -> None:
    if not known.issuperset(named):
        unknown = next(p for p in named if p not in known)
        raise PbFormatError(line, gettext_noop("The vote names project %(id)s, which is not in PROJECTS."), id=unknown)


def write_pb(election: Election, target: str | os.PathLike[str] | io.TextIOBase | None = None) -> str:
    """The election as pabulib text; also written to `target` (a path or an open text file) when given."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta.update(
        {
            "budget": format_amount(election.budget),
            "vote_type": election.vote_type,
            "num_projects": str(len(election.projects)),
            "num_votes": str(len(election.ballots)),
        }
    )
    for key in ("min_length", "max_length", "max_sum_points"):
        value = getattr(election, key)
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = str(value)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta.items())
    extra_columns: list[str] = []
    for extra in election.project_meta.values():
        extra_columns.extend(k for k in extra if k not in extra_columns)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", "name", "category", "target", *extra_columns])
    for p in election.projects:
        extra = election.project_meta.get(p.id, {})
        row = [p.id, format_amount(p.cost), p.name, _join(p.categories), _join(p.targets)]
        writer.writerow([*row, *(extra.get(k, "") for k in extra_columns)])
    writer.writerow(["VOTES"])
    cardinal = election.vote_type in ("cumulative", "scoring")
    writer.writerow(["voter_id", "vote", "points"] if cardinal else ["voter_id", "vote"])
    for b in election.ballots:
        if cardinal:
            points = dict(b.points or {})
            writer.writerow([b.voter_id, ",".join(points), ",".join(str(v) for v in points.values())])
        else:
            writer.writerow([b.voter_id, ",".join(b.ranking if election.vote_type == "ordinal" else b.approvals)])
    text = out.getvalue()
    if isinstance(target, io.TextIOBase):
        target.write(text)
    elif target is not None:
        with open(target, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return text


def _join(values: Iterable[str]) -> str:
    return ",".join(values)


def fill_selected(text: str, selected: set[str]) -> str:
    """The pabulib text with the PROJECTS section's `selected` column set to 1 for the selected projects and 0 for
    the others (added as the last column when the file has none). Every other line is kept as it was, so the
    written file differs from the read one in that column only."""
    ending = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    start = end = None  # physical lines [start, end) hold the PROJECTS header and rows
    before = 0
    for row in reader:
        first = row[0].strip().lower() if row else ""
        if first == "projects" and start is None:
            start = reader.line_num
        elif first == "votes" and start is not None:
            end = before
            break
        before = reader.line_num
    if start is None or end is None:
        raise PbFormatError(0, gettext_noop("The file has no %(section)s section."), section="PROJECTS")
    block = [row for row in csv.reader(io.StringIO("".join(lines[start:end]), newline=""), delimiter=";") if row]
    header = [h.strip() for h in block[0]]
    column = header.index("selected") if "selected" in header else len(header)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator=ending)
    writer.writerow([*block[0], "selected"] if column == len(header) else block[0])
    for row in block[1:]:
        if not any(field.strip() for field in row):
            continue
        value = "1" if row[0].strip() in selected else "0"
        writer.writerow([*row, value] if column == len(row) else [*row[:column], value, *row[column + 1 :]])
    return "".join(lines[:start]) + out.getvalue() + "".join(lines[end:])
