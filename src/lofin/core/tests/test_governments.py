"""The registry of the 243 local governments (domain.md §2, rules R-TEN-1..5)."""

import datetime as dt
import json
from collections import Counter

import pytest
from django.core.management import call_command

from lofin.core import governments
from lofin.core.governments import read_governments
from lofin.core.models import LocalGovernment

pytestmark = pytest.mark.django_db


def test_registry_holds_243_governments_after_migrate():
    assert LocalGovernment.objects.count() == 243
    levels = Counter(LocalGovernment.objects.values_list("level", flat=True))
    assert levels == {"광역": 17, "기초": 226}
    kinds = Counter(LocalGovernment.objects.filter(level="기초").values_list("kind", flat=True))
    assert kinds == {"시": 75, "군": 82, "자치구": 69}


def test_basic_governments_per_province_match_the_law():
    counts = Counter(LocalGovernment.objects.filter(level="기초").values_list("parent__sido", flat=True))
    assert counts == {
        "서울": 25,
        "부산": 16,
        "대구": 9,
        "인천": 10,
        "광주": 5,
        "대전": 5,
        "울산": 5,
        "경기": 31,
        "강원": 18,
        "충북": 11,
        "충남": 15,
        "전북": 14,
        "전남": 22,
        "경북": 22,
        "경남": 18,
    }
    assert not LocalGovernment.objects.filter(parent__sido__in=["세종", "제주"]).exists()


def test_autonomous_districts_belong_only_to_special_and_metropolitan_cities():
    parents = set(LocalGovernment.objects.filter(kind="자치구").values_list("parent__kind", flat=True))
    assert parents == {"특별시", "광역시"}
    assert not LocalGovernment.objects.filter(kind="시", parent__kind__in=["특별시", "광역시"]).exists()


def test_general_districts_of_cities_are_not_tenants():
    assert not LocalGovernment.objects.filter(legal_dong_code="41111").exists()  # 수원시 장안구


def test_gunwi_moved_from_gyeongbuk_to_daegu_on_2023_07_01():
    gunwi = LocalGovernment.objects.get(code="4771000")
    before = gunwi.as_of(dt.date(2023, 6, 30))
    after = gunwi.as_of(dt.date(2023, 7, 1))
    assert (before.parent_code, before.legal_dong_code, before.name) == ("4700000", "47720", "경상북도 군위군")
    assert (after.parent_code, after.legal_dong_code, after.name) == ("2700000", "27720", "대구광역시 군위군")


def test_gangwon_and_jeonbuk_keep_their_former_names_and_codes():
    gangwon = LocalGovernment.objects.get(code="4200000")
    assert gangwon.as_of(dt.date(2023, 6, 10)).name == "강원도"
    assert gangwon.as_of(dt.date(2023, 6, 11)).name == "강원특별자치도"
    jeonju = LocalGovernment.objects.get(code="4511000")
    assert jeonju.as_of(dt.date(2024, 1, 17)).legal_dong_code == "45110"
    assert jeonju.as_of(dt.date(2024, 1, 18)).legal_dong_code == "52110"


def test_cli_lists_243_governments_as_json(capsys):
    call_command("governments", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 243
    assert set(rows[0]) == {"code", "name", "short_name", "sido", "level", "kind", "parent_code", "legal_dong_code"}
    seoul = next(r for r in rows if r["code"] == "1100000")
    assert seoul == {
        "code": "1100000",
        "name": "서울특별시",
        "short_name": "서울특별시",
        "sido": "서울",
        "level": "광역",
        "kind": "특별시",
        "parent_code": "",
        "legal_dong_code": "11",
    }


def test_loading_again_changes_nothing():
    before = list(LocalGovernment.objects.order_by("code").values())
    assert governments.load() == 0
    assert list(LocalGovernment.objects.order_by("code").values()) == before


def test_shipped_csv_matches_the_registry():
    codes = {r["code"] for r in read_governments()}
    assert codes == set(LocalGovernment.objects.values_list("code", flat=True))
