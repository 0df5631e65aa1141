"""Recovery cases: the workflow through its services, bad input, compare-and-set, totals by region
and year, scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.errors import ConflictError, ForbiddenError
from apps.core.models import Event
from apps.spaces import services
from apps.spaces.models import RecoveryCase
from apps.spaces.selectors import recovery_summary, recovery_totals

pytestmark = pytest.mark.django_db
D = Decimal


def found(compound, actor=None, area="80"):
    return services.recovery_create(
        actor=actor,
        data={
            "compound": compound,
            "occupant_kind": "developer",
            "occupant_name": "某置业有限公司",
            "occupied_area": D(area),
            "found_on": datetime.date(2020, 3, 1),
        },
    )


def test_whole_case(world):
    county = world.users["county"]
    case = found(world.compound, county)
    services.recovery_act(
        case=case, actor=county, departments=[world.department], started_on=datetime.date(2021, 3, 10)
    )
    services.recovery_recover(
        case=case,
        actor=county,
        recovered_on=datetime.date(2021, 6, 1),
        recovered_area=D("80"),
        assessed_value=D("400000"),
    )
    services.recovery_hand_over(
        case=case,
        actor=county,
        handed_to="branch",
        handed_to_name="盛庄花园党支部",
        handed_over_on=datetime.date(2021, 6, 10),
    )
    centre = services.centre_create(
        actor=county, data={"compound": world.compound, "name": "盛庄花园党群服务中心"}
    )
    services.recovery_convert(case=case, actor=county, centre=centre, converted_on=datetime.date(2021, 7, 1))
    case.refresh_from_db()
    assert case.status == "converted" and case.centre == centre
    verbs = list(
        Event.objects.filter(object_id=str(case.pk), verb__startswith="recoverycase").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == sorted(
        [
            "recoverycase.found",
            "recoverycase.action",
            "recoverycase.recover",
            "recoverycase.hand_over",
            "recoverycase.convert",
        ]
    )


def test_value_without_area_refused(world):
    case = found(world.compound)
    with pytest.raises(ValidationError) as exc:
        services.recovery_recover(
            case=case,
            actor=None,
            recovered_on=datetime.date(2021, 6, 1),
            recovered_area=None,
            assessed_value=D("1000"),
        )
    assert "收回面积" in exc.value.message_dict["recovered_area"][0]
    case.refresh_from_db()
    assert case.status == "found" and case.assessed_value is None


@pytest.mark.parametrize("area", ["0", "-1"])
def test_zero_or_negative_area_refused(world, area):
    with pytest.raises(ValidationError) as exc:
        found(world.compound, area=area)
    assert "occupied_area" in exc.value.message_dict
    case = found(world.compound)
    with pytest.raises(ValidationError):
        services.recovery_recover(
            case=case, actor=None, recovered_on=datetime.date(2021, 6, 1), recovered_area=D(area)
        )


def test_model_constraint_refuses_value_without_area(world):
    case = RecoveryCase(
        compound=world.compound,
        occupant_kind="developer",
        occupant_name="x",
        occupied_area=D("1"),
        found_on=datetime.date(2021, 1, 1),
        assessed_value=D("5"),
    )
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert "recovered_area" in exc.value.message_dict


def test_recover_twice_conflicts(world):
    case = found(world.compound)
    services.recovery_recover(
        case=case, actor=None, recovered_on=datetime.date(2021, 6, 1), recovered_area=D("10")
    )
    stale = RecoveryCase.objects.get(pk=case.pk)
    stale.status = "found"
    with pytest.raises(ConflictError):
        services.recovery_recover(
            case=stale, actor=None, recovered_on=datetime.date(2021, 6, 2), recovered_area=D("10")
        )


def test_wrong_region_and_resident_refused(world):
    case = found(world.compound)
    with pytest.raises(ForbiddenError):
        services.recovery_recover(
            case=case,
            actor=world.users["other_county"],
            recovered_on=datetime.date(2021, 6, 1),
            recovered_area=D("1"),
        )
    with pytest.raises(ForbiddenError):
        found(world.compound, world.users["resident"])


def test_totals_by_region_and_year(world):
    for compound, area, value, day in [
        (world.compound, "100.50", "500000", datetime.date(2020, 5, 1)),
        (world.compound, "20.25", "100000.50", datetime.date(2021, 5, 1)),
        (world.other_compound, "300", "900000", datetime.date(2021, 8, 1)),
    ]:
        case = found(compound)
        services.recovery_recover(
            case=case, actor=None, recovered_on=day, recovered_area=D(area), assessed_value=D(value)
        )
    found(world.compound)  # found, not yet recovered: not counted
    by_county = {(t.region_code, t.year): t for t in recovery_totals(user=world.users["city"], by=6)}
    assert by_county[("371311", 2020)].area == D("100.50")
    assert by_county[("371311", 2021)].value == D("100000.50")
    assert by_county[("371302", 2021)].area == D("300")
    city = recovery_totals(user=world.users["city"], by=4)
    assert {(t.region_code, t.year, t.compounds) for t in city} == {("371300", 2020, 1), ("371300", 2021, 2)}
    s = recovery_summary(user=world.users["county"])
    assert s == {"compounds": 1, "cases": 2, "area": D("120.75"), "value": D("600000.50")}
    assert recovery_summary(user=world.users["heze_city"])["cases"] == 0


def test_pages_and_api_scoped(sworld, client_for, api_get, django_assert_max_num_queries):
    own = sworld.own["recoverycase"]
    c = client_for("county")
    with django_assert_max_num_queries(15):
        html = c.get("/spaces/recoveries/").content.decode()
    assert "罗庄置业有限公司" in html and "兰山置业有限公司" not in html
    assert c.get(f"/spaces/recoveries/{own.pk}/").status_code == 200
    assert client_for("other_county").get(f"/spaces/recoveries/{own.pk}/").status_code == 404
    assert client_for("resident").get("/spaces/recoveries/").status_code == 403
    assert client_for("outsider").get("/spaces/recoveries/totals/").status_code == 403
    r = client_for("county").post(
        f"/spaces/recoveries/{own.pk}/recover/",
        {"recovered_on": "2021-06-01", "recovered_area": "", "assessed_value": "100"},
    )
    assert r.status_code == 400 and "填写评估价值时必须填写收回面积" in r.content.decode()
    rows = api_get("/api/v1/spaces/recoveries", as_="county").json()["results"]
    assert [x["id"] for x in rows] == [own.pk]
    assert api_get("/api/v1/spaces/recoveries/totals", as_="county").status_code == 200


def test_split_exact_reproduces_article_totals():
    import random

    from apps.spaces.demo import HEZE_RECOVERED_AREA, HEZE_RECOVERED_VALUE, split_exact

    rng = random.Random(1)
    w = [rng.uniform(0.3, 2) for _ in range(535)]
    areas = split_exact(HEZE_RECOVERED_AREA, w)
    assert len(areas) == 535 and sum(areas) == D("117000.00") and min(areas) > 0
    assert sum(split_exact(HEZE_RECOVERED_VALUE, w)) == D("560000000.00")
