"""A small generator of plausible Chinese names for demo data (people, compounds, companies).

Our own word lists instead of Faker: the demo needs a few hundred Shandong-flavoured names,
deterministic for a given `random.Random`, and nothing here is worth a dependency. Every
generator takes the caller's `rng` and a `used` set so that names do not repeat in a city.
"""

from __future__ import annotations

import random

# Common surnames, weighted roughly by their frequency in Shandong (王、张、李、刘 lead).
SURNAMES = (
    ("王", 90),
    ("张", 80),
    ("李", 78),
    ("刘", 60),
    ("陈", 22),
    ("杨", 22),
    ("孙", 24),
    ("徐", 18),
    ("赵", 20),
    ("高", 18),
    ("马", 14),
    ("朱", 14),
    ("于", 14),
    ("郭", 12),
    ("宋", 12),
    ("吴", 10),
    ("周", 10),
    ("胡", 8),
    ("杜", 8),
    ("魏", 8),
    ("韩", 8),
    ("曹", 8),
    ("田", 8),
    ("董", 8),
    ("姜", 8),
    ("崔", 8),
    ("程", 6),
    ("梁", 6),
    ("谢", 6),
    ("许", 6),
    ("冯", 6),
    ("邵", 6),
    ("孟", 6),
    ("颜", 5),
    ("丁", 5),
    ("薛", 5),
    ("葛", 5),
    ("庄", 5),
    ("孔", 5),
    ("房", 4),
    ("秦", 4),
    ("袁", 4),
    ("侯", 4),
    ("尹", 4),
    ("闫", 4),
    ("石", 4),
    ("任", 4),
    ("姚", 4),
    ("沈", 3),
    ("唐", 3),
    ("贾", 3),
    ("蒋", 3),
    ("范", 3),
    ("黄", 3),
    ("郝", 3),
    ("史", 3),
    ("付", 3),
    ("褚", 2),
    ("诸葛", 1),
    ("欧阳", 1),
)
_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]

MALE_GIVEN = (
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 涛 峰 亮 健 凯 浩 林 东 海 "
    "建国 建华 国强 志强 海涛 建军 立新 文博 志刚 振华 永刚 洪涛 晓东 庆国 德明 宝山 "
    "成福 兆辉 增 玉明 传军 广利 继红 学东 金龙 子豪 宇航 俊杰 浩然 铭轩"
).split()
FEMALE_GIVEN = (
    "秀英 芳 娜 敏 静 丽 艳 娟 霞 燕 玲 桂英 丹 萍 红 玉兰 婷 雪 慧 晶 倩 洁 琳 "
    "秀兰 桂兰 玉梅 春梅 海燕 丽娟 晓燕 淑珍 凤英 秀珍 文静 雅琪 梦瑶 欣怡 子涵 思雨"
).split()


def person_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A full name such as 张伟 or 王秀英."""
    if female is None:
        female = rng.random() < 0.45
    surname = rng.choices(_SURNAME_LIST, weights=_SURNAME_WEIGHTS)[0]
    return surname + rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number starting with 1 (RULES.md §7); not a real subscriber's."""
    return rng.choice(("13", "15", "18", "17", "19")) + "".join(rng.choice("0123456789") for _ in range(9))


# ------------------------------------------------------------ compounds
NEW_COMPOUND_WORDS = (
    "翰林 金色 锦绣 阳光 东方 凤凰 滨河 书香 富康 幸福 和谐 泰和 盛世 银河 丽景 御景 "
    "康居 怡景 祥和 天润 紫薇 金鼎 绿城 华府 水岸 香榭 蓝湾 景苑 瑞祥 嘉和 恒大 明珠 "
    "世纪 新华 万象 佳和 百合 清华 学府 桃源 江南 天和 福瑞 如意 鸿福 金域 碧水 雅居 "
    "丹桂 锦江 龙泽 中央 星河 尚品 君悦 海棠 玉兰 和平"
).split()
NEW_COMPOUND_SUFFIXES = (
    "苑 家园 华庭 花园 名苑 嘉园 新城 公馆 雅居 府 名都 山庄 御园 佳苑 华府 尚城 "
    "小区 庄园 雅苑 名邸 公寓 广场"
).split()
# Old compounds (老旧小区) are mostly work-unit housing of the 1980s–90s.
OLD_WORK_UNITS = (
    "纺织厂 化肥厂 机械厂 造纸厂 粮食局 供销社 交通局 水利局 卫生局 教育局 第一中学 第二中学 "
    "人民医院 中医院 电业局 邮电局 运输公司 棉纺厂 酿酒厂 轴承厂 建筑公司 物资局 商业局 "
    "税务局 农机厂 烟草公司 食品公司 针织厂 化工厂 水泥厂 师范学校 气象局 林业局 公路局 "
    "农业银行 工商银行 百货公司 五金厂 糖酒公司 陶瓷厂"
).split()
OLD_SUFFIXES = ("家属院", "宿舍", "家属楼", "职工宿舍")
OLD_PLACE_SUFFIXES = ("小区", "新村", "南区", "北区")

CITY_WORDS = {
    "3713": "沂蒙 沂河 琅琊 蒙山 书圣 兰山 涑河 祊河 金雀山 银雀山 启阳 沂州 柳青 滨河".split(),
    "3717": "牡丹 曹州 天香 赵王河 青年湖 双河 仿山 菏泽 花都 国色 东明 鲁西 会盟 南华".split(),
}


def new_compound_name(rng: random.Random, used: set[str], *, city: str = "") -> str:
    """A commercial compound name: 翰林苑, 金色家园, 锦绣华庭, 沂河湾公馆 ..."""
    words = NEW_COMPOUND_WORDS + CITY_WORDS.get(city, [])
    for _ in range(50):
        name = rng.choice(words) + rng.choice(NEW_COMPOUND_SUFFIXES)
        if rng.random() < 0.08:
            name += rng.choice(("一期", "二期", "东区", "西区"))
        if name not in used:
            used.add(name)
            return name
    return _numbered(rng.choice(words) + rng.choice(NEW_COMPOUND_SUFFIXES), used)


def old_compound_name(rng: random.Random, used: set[str], *, place: str = "", city: str = "") -> str:
    """An old compound name: 纺织厂家属院, 交通局宿舍, 西关小区 ... `place` is a local prefix."""
    for _ in range(50):
        roll = rng.random()
        if roll < 0.65:
            name = rng.choice(OLD_WORK_UNITS) + rng.choice(OLD_SUFFIXES)
            if name in used and place:
                name = place + name
        else:
            base = rng.choice(CITY_WORDS.get(city, []) or ["东关", "西关", "南关", "北关"])
            name = (place or base) + rng.choice(OLD_PLACE_SUFFIXES)
        if name not in used:
            used.add(name)
            return name
    return _numbered(place + rng.choice(OLD_WORK_UNITS) + "家属院", used)


def _numbered(base: str, used: set[str]) -> str:
    n = 2
    while f"{base}{n}区" in used:
        n += 1
    name = f"{base}{n}区"
    used.add(name)
    return name


# ------------------------------------------------------------ companies
TRADE_NAMES = (
    "安居 恒信 宏远 金盾 嘉禾 鑫源 瑞丰 泰和 华盛 万家 鲁班 正阳 瀚海 天泽 润达 佳和 恒通 "
    "诚信 德馨 永安 明德 康泰 众诚 同心 乐居 宜家 和顺 中联 兴业 广厦 金桥 鸿运 鼎盛 卓越 "
    "仁和 博雅 东升 福源 吉祥 舜和 厚德 君安 阳光 绿洲 锦程 蓝天 瑞景 齐鲁 信达 宝丰 "
    "安泰 汇通 长青 怡和 春晖 家和 立信 百合 朝阳 润泽"
).split()


def company_name(
    rng: random.Random, used: set[str], *, city_name: str, county_name: str, public_welfare: bool
) -> str:
    """临沂市XX物业服务有限公司, 罗庄区XX公益物业服务有限公司, 山东XX物业管理有限公司 ..."""
    for _ in range(80):
        trade = rng.choice(TRADE_NAMES)
        if public_welfare:
            name = f"{county_name}{trade}公益物业服务有限公司"
        else:
            name = rng.choice(
                (
                    f"{city_name}{trade}物业服务有限公司",
                    f"{city_name}{trade}物业管理有限公司",
                    f"山东{trade}物业服务有限公司",
                    f"{county_name}{trade}物业服务有限公司",
                )
            )
        if name not in used:
            used.add(name)
            return name
    return _numbered(f"{county_name}{rng.choice(TRADE_NAMES)}物业服务有限公司", used)


ROADS = {
    "3713": "沂蒙路 通达路 涑河街 金雀山路 北京路 上海路 解放路 兰山路 人民大街 启阳路 蒙山大道 "
    "沂河路 工业大道 罗庄路 双月湖路 银雀山路 滨河大道 临西五路 考棚街 府右路".split(),
    "3717": "中华路 人民路 长江路 和平路 牡丹路 桂陵路 双河路 八一路 西安路 重庆路 丹阳路 "
    "广州路 华英路 青年路 昆明路 太原路 长城路 南京路 康庄路 廊坊路".split(),
}


def address(rng: random.Random, *, city: str, county_name: str, street_name: str = "") -> str:
    return f"{county_name}{street_name}{rng.choice(ROADS[city])}{rng.randint(1, 399)}号"
