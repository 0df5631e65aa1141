"""Demo step: the public-space ledger of every compound of both cities, Heze's recoveries
(公共用房清理) reproducing the article's totals, and the service centres of 港湾新城 and 中达御园
with multi-use rooms and a term of bookings — all through the services.

The article's figures are not typed in as totals: 535 Heze compounds get one recovery case each,
and the recovered areas and assessed values are random shares (to the cent) of 117,000 m² and
¥560,000,000, so the pages' sums reproduce them (FIGURES.md). Change the rows and the sums change.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from apps.core.demo import (
    DAYUDIAN,
    GANGWAN_COMPOUND,
    HEZE,
    LINYI,
    WANTONG_COMPOUND,
    ZHONGDA_COMMUNITY,
    ZHONGDA_COMPOUND,
    count_line,
)
from apps.spaces import services
from apps.spaces.choices import (
    HandoverTo,
    OccupantKind,
    RoomType,
    RoomUse,
    SpaceKind,
    SpaceStatus,
)

HEZE_RECOVERED_COMPOUNDS = 535
HEZE_RECOVERED_AREA = Decimal("117000.00")  # 11.7万平方米
HEZE_RECOVERED_VALUE = Decimal("560000000.00")  # 5.6亿元
CENT = Decimal("0.01")


def split_exact(total: Decimal, weights: list[float]) -> list[Decimal]:
    """`total` split in proportion to `weights`, to the cent, summing exactly to `total`."""
    cents = int((total / CENT).to_integral_value())
    s = sum(weights)
    shares = [int(cents * w / s) for w in weights]
    remainder = cents - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    for i in range(remainder):
        shares[order[i % len(order)]] += 1
    return [Decimal(c) * CENT for c in shares]


def seed(*, rng, today, log) -> None:
    from apps.registry.models import Compound

    compounds = list(Compound.objects.filter(community__pk__startswith=LINYI[:4]).order_by("code")) + list(
        Compound.objects.filter(community__pk__startswith=HEZE[:4]).order_by("code")
    )
    counts = _ledgers(rng, compounds)
    log(f"公共用房台账：{count_line(counts)}")
    heze = [c for c in compounds if c.community_id.startswith(HEZE[:4])]
    centres = _centres(rng, today, heze + [c for c in compounds if c.name == WANTONG_COMPOUND])
    n, area, value = _recoveries(rng, today, heze, centres)
    log(f"菏泽公共用房清理：{n}个小区，收回{area}㎡，评估价值{value}元")
    log(f"党群服务中心 {len(centres)} 个；{_bookings(rng, today, centres)}")


# ------------------------------------------------------------------ ledgers
def _space(compound, **data):
    return services.space_create(actor=None, data={"compound": compound, "is_generated": True, **data})


def _ledgers(rng, compounds) -> Counter:
    """Two to five spaces per compound. About a third of the compounds miss some norm: the
    property rooms are too small, in a basement, on a high floor without a lift, or the
    government room is missing."""
    counts: Counter = Counter()
    for c in compounds:
        tfa = c.total_floor_area
        required = max(tfa * Decimal(3) / 1000, Decimal(100))
        fate = rng.random()
        share = (
            Decimal(str(round(rng.uniform(1.0, 1.5), 2)))
            if fate > 0.3
            else Decimal(str(round(rng.uniform(0.5, 0.95), 2)))
        )
        prop_area = (required * share).quantize(CENT)
        committee_area = Decimal(str(rng.choice([20, 24, 30, 36]))) if fate > 0.15 else Decimal("16")
        lift = rng.random() < 0.4
        floor = rng.choice([1, 1, 1, 2, 2, 3]) if fate > 0.08 else rng.choice([4, 5])
        bad_basement = 0.08 < fate < 0.12
        main_area = max(prop_area - committee_area, Decimal(10))
        _space(
            c,
            kind=SpaceKind.PROPERTY_SERVICE,
            name="物业服务中心" if not bad_basement else "地下物业用房",
            room_type=RoomType.BASEMENT if bad_basement else RoomType.ROOM,
            building=f"{rng.randint(1, 12)}号楼",
            floor=-1 if bad_basement else floor,
            above_ground=not bad_basement,
            has_lift=lift,
            floor_area=main_area,
            clear_height=Decimal("2.00")
            if 0.12 < fate < 0.14
            else Decimal(str(rng.choice(["2.80", "3.00", "3.30"]))),
        )
        counts["物业服务用房"] += 1
        _space(
            c,
            kind=SpaceKind.COMMITTEE_OFFICE,
            name="业委会办公室",
            building=f"{rng.randint(1, 12)}号楼",
            floor=1,
            has_lift=lift,
            floor_area=committee_area,
            clear_height=Decimal("2.80"),
        )
        counts["业委会办公用房"] += 1
        if rng.random() < 0.75:
            _space(
                c,
                kind=SpaceKind.GOVERNMENT,
                name="警务室、综合执法工作站",
                floor=1,
                floor_area=Decimal(str(rng.choice([40, 50, 60, 80]))),
                clear_height=Decimal("3.00"),
            )
            counts["政务管理用房"] += 1
        if rng.random() < 0.6:
            need = Decimal(c.households) * 30 / 100
            _space(
                c,
                kind=SpaceKind.COMMUNITY,
                name="居民活动室",
                floor=1,
                floor_area=max(
                    (need * Decimal(str(round(rng.uniform(0.6, 1.4), 2)))).quantize(CENT), Decimal(20)
                ),
                clear_height=Decimal("3.00"),
            )
            counts["社区用房"] += 1
    return counts


# ------------------------------------------------------------------ recoveries (Heze)
def _recoveries(rng, today, heze, centres) -> tuple[int, Decimal, Decimal]:
    from apps.registry.models import Department, DepartmentKind

    showcase = [c for c in heze if c.name in (GANGWAN_COMPOUND, ZHONGDA_COMPOUND)]
    rest = [c for c in heze if c not in showcase]
    chosen = showcase + rng.sample(rest, HEZE_RECOVERED_COMPOUNDS - len(showcase))
    chosen.sort(key=lambda c: c.code)
    weights = [rng.uniform(0.3, 2.0) for _ in chosen]
    areas = split_exact(HEZE_RECOVERED_AREA, weights)
    # Value per m² varies by place (¥3,000–6,500); the values still sum to the article's figure.
    values = split_exact(HEZE_RECOVERED_VALUE, [float(a) * rng.uniform(3000, 6500) for a in areas])
    departments: dict[str, list] = {}
    joint = (DepartmentKind.HOUSING, DepartmentKind.PUBLIC_SECURITY, DepartmentKind.URBAN_MANAGEMENT)
    for d in Department.objects.filter(region__pk__startswith=HEZE[:4], kind__in=joint):
        departments.setdefault(d.region_id[:6], []).append(d)
    city_departments = departments.get(HEZE, [])
    centre_of = {c.compound_id: c for c in centres}
    for compound, area, value in zip(chosen, areas, values, strict=True):
        year = rng.choice([2019, 2020, 2020, 2021])
        found = datetime.date(year, rng.randint(1, 4), rng.randint(1, 28))
        kind = rng.choice([OccupantKind.DEVELOPER, OccupantKind.DEVELOPER, OccupantKind.PROPERTY_COMPANY])
        case = services.recovery_create(
            actor=None,
            data={
                "compound": compound,
                "occupant_kind": kind,
                "occupant_name": "开发建设单位"
                if kind == OccupantKind.DEVELOPER
                else (compound.company.name if compound.company_id else "原物业服务企业"),
                "occupied_area": area,
                "occupied_since": datetime.date(max(compound.year_built, 2000), 6, 1),
                "found_on": found,
                "is_generated": True,
            },
        )
        partners = departments.get(compound.community_id[:6], []) + city_departments
        started = found + datetime.timedelta(days=rng.randint(5, 30))
        services.recovery_act(
            case=case,
            actor=None,
            departments=partners[:3] or city_departments[:3],
            started_on=started,
            ended_on=started + datetime.timedelta(days=rng.randint(10, 60)),
            note="住建、公安、城管等部门联合开展公共配套集中清理",
        )
        recovered = started + datetime.timedelta(days=rng.randint(70, 150))
        services.recovery_recover(
            case=case, actor=None, recovered_on=recovered, recovered_area=area, assessed_value=value
        )
        services.recovery_hand_over(
            case=case,
            actor=None,
            handed_to=HandoverTo.BRANCH,
            handed_to_name=f"{compound.name}党支部",
            handed_over_on=recovered + datetime.timedelta(days=rng.randint(3, 20)),
        )
        if compound.pk in centre_of:
            services.recovery_convert(
                case=case,
                actor=None,
                centre=centre_of[compound.pk],
                converted_on=recovered + datetime.timedelta(days=rng.randint(30, 90)),
            )
    return len(chosen), sum(areas, Decimal(0)), sum(values, Decimal(0))


# ------------------------------------------------------------------ centres, rooms, bookings
ROOMS = {
    GANGWAN_COMPOUND: (
        (
            "多功能教室",
            [RoomUse.MORAL_LECTURE, RoomUse.AFTER_SCHOOL, RoomUse.READING],
            30,
            "08:00",
            "21:00",
            False,
        ),
        (
            "活动大厅",
            [RoomUse.CHOIR, RoomUse.CALLIGRAPHY, RoomUse.PARTY, RoomUse.MEETING],
            60,
            "08:00",
            "21:00",
            True,
        ),
        ("图书阅览室", [RoomUse.READING, RoomUse.AFTER_SCHOOL], 20, "09:00", "20:00", False),
    ),
    ZHONGDA_COMPOUND: (
        ("小区食堂", [RoomUse.CANTEEN, RoomUse.MEETING], 50, "06:30", "19:30", True),
        ("日间照料中心", [RoomUse.DAY_CARE, RoomUse.READING], 25, "08:00", "18:00", False),
        ("心理咨询室", [RoomUse.COUNSELLING], 4, "09:00", "17:00", True),
    ),
    WANTONG_COMPOUND: (
        ("党群议事室", [RoomUse.MEETING, RoomUse.PARTY, RoomUse.READING], 20, "08:30", "20:30", True),
    ),
}
MANAGERS = {
    GANGWAN_COMPOUND: ("gangwan_resident", "gangwan_secretary", DAYUDIAN),
    ZHONGDA_COMPOUND: ("zhongda_resident", "zhongda_secretary", ZHONGDA_COMMUNITY),
}


def _demo_user(rng, username: str, **fields):
    from apps.accounts.demo import demo_password_hash
    from apps.accounts.models import User
    from apps.accounts.services import user_create
    from apps.core import names

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return user_create(
        actor=None,
        username=username,
        password=None,
        password_hash=demo_password_hash(),
        is_generated=True,
        full_name=names.person_name(rng),
        phone=names.mobile(rng),
        **fields,
    )


def _centres(rng, today, compounds) -> list:
    from apps.core.roles import Role
    from apps.regions.models import Region

    out = []
    for compound in compounds:
        if compound.name not in ROOMS:
            continue
        space = _space(
            compound,
            kind=SpaceKind.PARTY_CENTRE,
            name="党群服务中心",
            building="综合楼",
            floor=1,
            floor_area=Decimal("420.00") if compound.name != WANTONG_COMPOUND else Decimal("120.00"),
            clear_height=Decimal("3.20"),
            status=SpaceStatus.AS_INTENDED,
        )
        centre = services.centre_create(
            actor=None,
            data={
                "compound": compound,
                "name": f"{compound.name}党群服务中心",
                "space": space,
                "managed_by": f"{compound.name}党支部",
                "is_generated": True,
            },
        )
        for name, uses, capacity, opens, closes, approval in ROOMS[compound.name]:
            services.room_create(
                actor=None,
                data={
                    "centre": centre,
                    "name": name,
                    "uses": [u.value for u in uses],
                    "capacity": capacity,
                    "opens_at": datetime.time.fromisoformat(opens),
                    "closes_at": datetime.time.fromisoformat(closes),
                    "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
                    "requires_approval": approval,
                },
            )
        if compound.name in MANAGERS:
            resident, secretary, community = MANAGERS[compound.name]
            from apps.accounts.demo import check_demo_password

            check_demo_password()
            _demo_user(rng, resident, role=Role.RESIDENT, compound=compound)
            _demo_user(rng, secretary, role=Role.COMMUNITY, region=Region.objects.get(pk=community))
        out.append(centre)
    return out


def _bookings(rng, today, centres) -> str:
    from apps.accounts.models import User

    start = today - datetime.timedelta(days=56)
    end = today + datetime.timedelta(days=28)
    made = Counter()
    for centre in centres:
        rooms = {r.name: r for r in centre.rooms.all()}
        residents = list(User.objects.filter(compound=centre.compound, role="resident").order_by("id"))
        if not residents:
            continue
        lead = residents[0]
        plans = []
        if centre.compound.name == GANGWAN_COMPOUND:
            plans = [
                (
                    "活动大厅",
                    1,
                    "09:00",
                    "11:00",
                    RoomUse.CHOIR,
                    "合唱排练",
                    "港湾新城合唱团",
                ),  # 合唱每周二上午
                ("活动大厅", 5, "14:30", "16:30", RoomUse.CALLIGRAPHY, "书法公益课堂", "书法兴趣班"),
                ("多功能教室", 3, "19:00", "20:30", RoomUse.MORAL_LECTURE, "道德讲堂", "小区党支部"),
                *[
                    ("多功能教室", d, "16:30", "18:00", RoomUse.AFTER_SCHOOL, "四点半学堂", "四点半学堂")
                    for d in range(5)
                ],
                ("图书阅览室", 6, "09:30", "11:30", RoomUse.READING, "亲子阅读", ""),
            ]
        elif centre.compound.name == ZHONGDA_COMPOUND:
            plans = [
                *[
                    ("小区食堂", d, "11:00", "13:00", RoomUse.CANTEEN, "长者午餐", "小区食堂")
                    for d in range(7)
                ],
                *[
                    ("日间照料中心", d, "08:30", "16:30", RoomUse.DAY_CARE, "日间照料", "日间照料中心")
                    for d in range(5)
                ],
                ("心理咨询室", 2, "14:00", "16:00", RoomUse.COUNSELLING, "心理咨询", "心理咨询志愿者"),
            ]
        else:
            plans = [("党群议事室", 3, "19:00", "20:30", RoomUse.MEETING, "三方联席议事", "小区党支部")]
        for room_name, weekday, s, e, use, title, group in plans:
            _series, report = services.booking_series_create(
                actor=None,
                room=rooms[room_name],
                weekday=weekday,
                start_time=datetime.time.fromisoformat(s),
                end_time=datetime.time.fromisoformat(e),
                first_date=start,
                last_date=end,
                use=use,
                title=title,
                group_name=group,
                attendees=min(rooms[room_name].capacity, rng.randint(3, 40)),
                booker=lead,
                is_generated=True,
            )
            made["周期预约"] += 1
            made["预约"] += len(report.created)
            made["节假日跳过"] += len(report.holidays)
        # Approve the past bookings of rooms that require approval; leave a few future ones pending.
        from apps.spaces.choices import BookingStatus
        from apps.spaces.models import Booking

        pending = Booking.objects.filter(room__centre=centre, status=BookingStatus.PENDING).order_by(
            "starts_at"
        )
        cut = today + datetime.timedelta(days=7)
        for b in pending:
            if b.starts_at.date() < cut or rng.random() < 0.5:
                services.booking_approve(booking=b, actor=None, note="")
        for b in Booking.objects.filter(
            room__centre=centre, status=BookingStatus.APPROVED, ends_at__lt=_aware(today)
        ):
            if rng.random() < 0.85:
                services.booking_check_in(booking=b, actor=None, at=b.starts_at)
    return count_line(made)


def _aware(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())
