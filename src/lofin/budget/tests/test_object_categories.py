"""The category column of objects.csv: the one place that says which 통계목 the transfer rules protect."""

import pytest

from lofin.budget import codes


def test_R_BP_4_every_business_promotion_object_of_the_code_list_is_flagged():
    """지방재정법 §49: no 전용 into 업무추진비 — whichever 편성목 the 업무추진비 sits under (203, and 205-06 under 의회비)."""
    named = {row["code"] for row in codes.read("object") if row["name"].endswith("업무추진비")}
    assert named == {"203", "203-01", "203-02", "203-03", "203-04", "205-06"}
    assert {code for code in named if codes.is_object(code, codes.BUSINESS_PROMOTION)} == named
    assert not codes.is_object("205-05", codes.BUSINESS_PROMOTION)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("101-01", codes.PERSONNEL),
        ("401-03", codes.FACILITIES),
        ("601-01", codes.DEBT_PRINCIPAL),
        ("311-02", codes.DEBT_INTEREST),
        ("307-02", codes.SUBSIDY),
        ("402-02", codes.SUBSIDY),
        ("307-05", ""),  # 민간위탁금 is a payment for a service, not a 보조금
        ("201-01", ""),
        # 통계목 the list does not name take their 편성목's category where the whole 편성목 has one
        ("601-05", codes.DEBT_PRINCIPAL),
        ("203-09", codes.BUSINESS_PROMOTION),
        ("307-07", ""),
    ],
)
def test_R_BP_4_the_code_list_says_what_each_object_is(code, category):
    assert codes.object_category(code) == category


def test_R_BP_4_every_category_is_known_and_a_subitem_agrees_with_a_categorised_item():
    rows = codes.read("object")
    categories = {row["code"]: row["category"] for row in rows}
    assert set(categories.values()) <= codes.CATEGORIES | {""}
    for row in rows:
        if row["level"] == "subitem" and categories[row["parent_code"]]:
            assert row["category"] == categories[row["parent_code"]], row["code"]
    with pytest.raises(ValueError):
        codes.is_object("203-01", "entertainment")
