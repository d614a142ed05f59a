"""`lofin pb` through the installed command, as a user runs it (issue 11: JSON always, standard input, the file
written back with its selected column, the verification listing, and a start without Django)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from lofin.participation.voting import parse_pb

DATA = Path(__file__).parent / "data"
ASSEN = DATA / "Netherlands_Assen_2024.pb"
WARSZAWA = DATA / "Poland_Warszawa_2019_Grochow_Kinowa.pb"  # budget;222176.85
LOFIN = str(Path(sys.executable).with_name("lofin"))
EXPECTED = {item["file"]: item["pabutools_1_2_3"] for item in json.loads((DATA / "expected.json").read_text())}
BAD = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\n"


def run(*args: str, stdin: str | None = None, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LOFIN_LANGUAGE"}
    if lang:
        env["LOFIN_LANGUAGE"] = lang
    return subprocess.run([LOFIN, "pb", *args], capture_output=True, text=True, timeout=120, input=stdin, env=env)


@pytest.mark.parametrize(("rule", "key"), [("greedy", "greedy"), ("mes", "mes"), ("mes-add1", "mes_add1")])
def test_solve_prints_the_winners_as_json(rule, key):
    result = run("solve", str(ASSEN), "--rule", rule, "--sat", "cost", "--json")
    assert result.returncode == 0, result.stderr
    expected = EXPECTED["Netherlands_Assen_2024.pb"][f"{key}[Cost_Sat]"]
    answer = json.loads(result.stdout)
    assert (answer["winners"], answer["total_cost"]) == (expected["winners"], expected["total_cost"])
    assert (answer["rule"], answer["sat"], answer["budget"]) == (rule, "cost", 100000)
    assert sorted(answer["order"]) == sorted(answer["winners"])


def test_a_decimal_budget_file_is_solved_and_its_amounts_stay_exact():
    result = run("solve", str(WARSZAWA), "--rule", "mes-add1", "--sat", "cost", "--json", "--explain")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["budget"], answer["total_cost"], answer["add1_steps"]) == ("222176.85", 158740, 154)
    assert Fraction(answer["endowment"]) == Fraction("222176.85") / 491 + 154
    # the verification listing: each winner in order, the budget left after it, its price per supporter
    steps = answer["explain"]
    assert [s["project"] for s in steps] == answer["order"]
    left = Fraction("222176.85")
    for k, step in enumerate(steps, start=1):
        left -= Fraction(step["cost"])
        assert (step["step"], step["round"], Fraction(step["remaining"])) == ("mes", k, left)
        # with cost satisfaction every supporter gets the cost, so the most one pays is ρ times the cost
        assert Fraction(step["price"]) == Fraction(step["rho"]) * Fraction(step["cost"])
    assert Fraction(steps[-1]["remaining"]) == Fraction("222176.85") - answer["total_cost"]


def test_the_text_listing_gives_each_winner_its_round_price_and_budget_left():
    korean = run("solve", str(ASSEN), "--rule", "mes+greedy", "--explain")
    assert korean.returncode == 0, korean.stderr
    lines = korean.stdout.splitlines()
    assert lines[0].startswith("mes+greedy [cost]: 사업 ")
    assert "1회차" in lines[3] and "지지자 1인당 최대 부담액" in lines[3] and "남은 예산" in lines[3]
    english = run("solve", str(ASSEN), "--rule", "mes+greedy", "--explain", "--lang", "en")
    rounds = [line for line in english.stdout.splitlines() if ": round " in line]
    greedy = [line for line in english.stdout.splitlines() if ": greedy, rank " in line]
    answer = json.loads(run("solve", str(ASSEN), "--rule", "mes+greedy", "--explain", "--json").stdout)
    assert len(rounds) == sum(s["step"] == "mes" for s in answer["explain"]) > 0
    assert len(greedy) == sum(s["step"] == "greedy" for s in answer["explain"])
    assert english.stdout.splitlines()[-1].endswith(f"budget left {100000 - answer['total_cost']:,}")


def test_errors_with_json_are_json_on_stdout_with_a_nonzero_exit(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(BAD)
    result = run("solve", str(bad), "--rule", "mes", "--json", "--lang", "en")
    assert result.returncode == 2 and result.stderr == ""
    assert json.loads(result.stdout) == {
        "error": {
            "code": "format", "line": 7, "file": str(bad),
            "message": "line 7: cost must be an amount (a whole or decimal number such as 2828094.61), not 'abc'.",
        }
    }  # fmt: skip
    missing = run("solve", str(tmp_path / "none.pb"), "--rule", "mes", "--json")
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "not_found"
    usage = run("solve", str(ASSEN), "--rule", "phragmen", "--json")
    assert usage.returncode == 2 and json.loads(usage.stdout)["error"]["code"] == "usage"
    invalid = run("solve", str(ASSEN), "--rule", "mes", "--sat", "borda", "--json")
    assert invalid.returncode == 2 and json.loads(invalid.stdout)["error"]["code"] == "invalid"
    voter = run("explain", str(ASSEN), "--rule", "mes", "--voter", "nobody", "--json")
    assert voter.returncode == 2 and json.loads(voter.stdout)["error"] == {
        "code": "not_found", "message": "없는 투표자입니다: nobody.", "voter": "nobody",
    }  # fmt: skip


def test_errors_without_json_go_to_stderr_in_korean_unless_english_is_asked(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(BAD)
    korean = run("solve", str(bad), "--rule", "mes")
    assert korean.returncode == 2 and korean.stdout == ""
    assert korean.stderr.startswith("7번째 줄: cost 값은 금액")
    english = run("check", str(bad), lang="en")
    assert english.returncode == 2 and english.stderr.startswith("line 7: cost must be an amount")


def test_a_file_from_standard_input_is_written_back_with_its_selected_column():
    text = ASSEN.read_text(encoding="utf-8-sig")
    result = run("solve", "-", "--rule", "mes", "--write", "-", "--json", stdin=text)
    assert result.returncode == 0, result.stderr
    winners = set(json.loads(result.stderr)["winners"])  # the summary goes to stderr when the file takes stdout
    written = parse_pb(result.stdout)
    assert {pid for pid, extra in written.project_meta.items() if extra["selected"] == "1"} == winners
    assert {extra["selected"] for extra in written.project_meta.values()} == {"0", "1"}
    # only the PROJECTS section changed: META and VOTES are the lines that were read
    before, after = text.splitlines(), result.stdout.splitlines()
    start, end = before.index("PROJECTS"), before.index("VOTES")
    assert after[:start] == before[:start] and after[end:] == before[end:]


def test_the_file_is_written_to_a_path(tmp_path):
    out = tmp_path / "out.pb"
    result = run("solve", str(WARSZAWA), "--rule", "greedy", "--write", str(out))
    assert result.returncode == 0, result.stderr
    written = parse_pb(out, decimals=True)
    winners = {pid for pid, extra in written.project_meta.items() if extra["selected"] == "1"}
    assert winners == set(result.stdout.splitlines()[1].split())
    assert written.budget == Fraction("222176.85")


def test_check_and_explain(tmp_path):
    check = run("check", str(WARSZAWA), "--lang", "en")
    assert (check.returncode, check.stdout) == (0, "10 projects, 491 ballots, budget 222176.85\n")
    explained = run("explain", str(DATA / "Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb"), "--rule", "mes",
                    "--voter", "15240", "--json")  # fmt: skip
    assert explained.returncode == 0, explained.stderr
    assert {p["project"] for p in json.loads(explained.stdout)["projects"]} == {"427", "915", "2567", "1623"}


PROBE = """
import sys
from lofin.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(sorted({m.split(".")[0] for m in sys.modules} & {"django", "numpy", "lofin.settings"}), file=sys.stderr)
"""


def test_help_and_pb_start_without_django():
    # `lofin --help` loads nothing but the command itself; `lofin pb` never loads Django, and numpy only for MES
    result = subprocess.run([sys.executable, "-c", PROBE, "lofin", "--help"], capture_output=True, text=True)
    assert "lofin pb solve" in result.stdout and result.stderr.strip() == "[]"
    for args, loaded in (
        (["check"], "[]"),
        (["solve", "--rule", "greedy"], "[]"),
        (["solve", "--rule", "mes"], "['numpy']"),
    ):
        command = [sys.executable, "-c", PROBE, "lofin", "pb", args[0], str(ASSEN), *args[1:]]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.stderr.strip().splitlines()[-1] == loaded, (args, result.stderr)


def test_the_file_written_back_keeps_its_line_endings(tmp_path):
    crlf = tmp_path / "crlf.pb"
    crlf.write_bytes(ASSEN.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    out = tmp_path / "out.pb"
    result = run("solve", str(crlf), "--rule", "greedy", "--write", str(out))
    assert result.returncode == 0, result.stderr
    before, after = crlf.read_bytes().split(b"\r\n"), out.read_bytes().split(b"\r\n")
    assert b"\n" not in out.read_bytes().replace(b"\r\n", b"")
    start = before.index(b"PROJECTS")
    assert after[: start + 1] == before[: start + 1] and after[-50:] == before[-50:]
