"""Plausible Chinese shop data: names, mobiles, addresses, products. Seeded, fast, no database."""
import random

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红文斌宇浩凯健俊帆晨欣怡婷雪琳佳瑶梓涵"
         "子轩博文雨欣思远嘉怡一诺晓东海燕志国春梅淑珍国庆金凤家豪梦琪天佑")
# Mobile prefixes that libphonenumber accepts as Chinese mobiles (checked in tests/integration/test_bench_generator.py).
MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182",
                   "183", "185", "186", "187", "188", "189", "191", "198", "199")
INVALID_PHONES = ("1381234", "12345678901", "021-555", "n/a", "1991234567", "010-12345678-99")

# (province, [(city, (districts...), postal prefix)]); the west is here so carrier exclusions come up.
REGIONS = (
    ("广东省", (("广州市", ("天河区", "越秀区", "海珠区", "白云区"), "510"), ("深圳市", ("南山区", "福田区", "宝安区", "龙岗区"), "518"),
              ("东莞市", ("南城街道", "松山湖"), "523"))),
    ("浙江省", (("杭州市", ("西湖区", "余杭区", "滨江区", "拱墅区"), "310"), ("宁波市", ("鄞州区", "海曙区"), "315"),
              ("温州市", ("鹿城区", "瓯海区"), "325"))),
    ("江苏省", (("南京市", ("鼓楼区", "玄武区", "江宁区"), "210"), ("苏州市", ("姑苏区", "工业园区", "吴中区"), "215"))),
    ("上海市", (("上海市", ("浦东新区", "徐汇区", "静安区", "闵行区", "杨浦区"), "200"),)),
    ("北京市", (("北京市", ("朝阳区", "海淀区", "东城区", "丰台区"), "100"),)),
    ("山东省", (("济南市", ("历下区", "市中区"), "250"), ("青岛市", ("市南区", "崂山区", "黄岛区"), "266"))),
    ("四川省", (("成都市", ("锦江区", "武侯区", "高新区", "双流区"), "610"), ("绵阳市", ("涪城区",), "621"))),
    ("湖北省", (("武汉市", ("江汉区", "武昌区", "洪山区"), "430"), ("宜昌市", ("西陵区",), "443"))),
    ("河南省", (("郑州市", ("金水区", "二七区", "中原区"), "450"), ("洛阳市", ("涧西区",), "471"))),
    ("福建省", (("福州市", ("鼓楼区", "仓山区"), "350"), ("厦门市", ("思明区", "湖里区"), "361"))),
    ("湖南省", (("长沙市", ("岳麓区", "芙蓉区", "雨花区"), "410"),)),
    ("陕西省", (("西安市", ("雁塔区", "碑林区", "未央区"), "710"),)),
    ("重庆市", (("重庆市", ("渝中区", "江北区", "渝北区"), "400"),)),
    ("天津市", (("天津市", ("和平区", "南开区", "河西区"), "300"),)),
    ("辽宁省", (("沈阳市", ("和平区", "沈河区"), "110"), ("大连市", ("中山区", "甘井子区"), "116"))),
    ("安徽省", (("合肥市", ("蜀山区", "包河区"), "230"),)),
    ("云南省", (("昆明市", ("五华区", "盘龙区"), "650"),)),
    ("广西壮族自治区", (("南宁市", ("青秀区", "西乡塘区"), "530"),)),
    ("新疆维吾尔自治区", (("乌鲁木齐市", ("天山区", "沙依巴克区"), "830"), ("喀什地区", ("喀什市",), "844"))),
    ("西藏自治区", (("拉萨市", ("城关区", "堆龙德庆区"), "850"),)),
    ("青海省", (("西宁市", ("城中区", "城西区"), "810"),)),
    ("内蒙古自治区", (("呼和浩特市", ("新城区", "赛罕区"), "010"),)),
)
# Heavier weight on the populous east, a thin tail in the west.
REGION_WEIGHTS = (14, 11, 10, 9, 8, 7, 6, 5, 6, 4, 4, 3, 3, 3, 3, 3, 2, 2, 1, 0.4, 0.4, 1)
STREETS = ("人民路", "中山路", "解放路", "建设路", "文三路", "科技园路", "长江路", "和平大街", "新华路", "学府路", "滨江大道", "光明街",
           "东风路", "朝阳路", "青年路", "花园路")
PLACES = ("花园", "小区", "公寓", "大厦", "苑", "家园", "新村")
PRODUCT_WORDS = ("羊毛围巾", "纯棉T恤", "蓝牙耳机", "保温杯", "手机壳", "运动鞋", "连衣裙", "双肩包", "机械键盘", "护手霜", "茶叶礼盒",
                 "不锈钢锅", "儿童积木", "瑜伽垫", "台灯", "真丝枕套", "羽绒服", "牛仔裤", "电动牙刷", "充电宝")
PRODUCT_MODS = ("经典款", "加厚", "简约", "新款", "礼盒装", "大码", "轻薄", "升级版", "限定色", "家用")
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "outlook.com")


def name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    """Eleven digits, 13x–19x: the normalized form the app stores for a valid Chinese mobile."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def invalid_phone(rng: random.Random) -> str:
    return rng.choice(INVALID_PHONES)


def address(rng: random.Random) -> tuple[str, str, str, str, str]:
    """(province, city, district, detail, postal_code)."""
    province, cities = rng.choices(REGIONS, REGION_WEIGHTS)[0]
    city, districts, postal = rng.choice(cities)
    detail = (f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(PLACES)}"
              f"{rng.randrange(1, 30)}栋{rng.randrange(1, 33)}{rng.randrange(1, 6):02d}室")
    return province, city, rng.choice(districts), detail, f"{postal}{rng.randrange(1000):03d}"


def email(rng: random.Random, customer_no: int) -> str:
    return "" if rng.random() < 0.4 else f"u{customer_no}{rng.randrange(100)}@{rng.choice(EMAIL_DOMAINS)}"


def skus(rng: random.Random, count: int) -> list[tuple[str, str, int]]:
    """(sku, title, unit price in fen): prices from ¥9.90 to a few thousand, most under ¥300."""
    out = []
    for n in range(count):
        price_yuan = min(int(rng.lognormvariate(4.3, 0.9)), 4999)
        out.append((f"SKU-{n + 1:05d}", f"{rng.choice(PRODUCT_MODS)}{rng.choice(PRODUCT_WORDS)}", max(price_yuan, 9) * 100 + 90))
    return out
