"""`lofin pb` through the installed command, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
LOFIN = str(Path(sys.executable).with_name("lofin"))
EXPECTED = {item["file"]: item["pabutools_1_2_3"] for item in json.loads((DATA / "expected.json").read_text())}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LOFIN, "pb", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("rule", "key"), [("greedy", "greedy"), ("mes", "mes"), ("mes-add1", "mes_add1")])
def test_solve_prints_the_winners_as_json(rule, key):
    result = run("solve", str(DATA / "Netherlands_Assen_2024.pb"), "--rule", rule, "--sat", "cost", "--json")
    assert result.returncode == 0, result.stderr
    expected = EXPECTED["Netherlands_Assen_2024.pb"][f"{key}[Cost_Sat]"]
    assert json.loads(result.stdout) == {"winners": expected["winners"], "total_cost": expected["total_cost"]}


def test_explain_a_voter_and_a_malformed_file(tmp_path):
    result = run("explain", str(DATA / "Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb"), "--rule", "mes", "--voter",
                 "15240", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert {p["project"] for p in json.loads(result.stdout)["projects"]} == {"427", "915", "2567", "1623"}
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\n")
    result = run("solve", str(bad), "--rule", "mes", "--json")
    assert result.returncode == 2
    assert "7" in result.stderr and result.stdout == ""
