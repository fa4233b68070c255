"""Benchmark data: an organisation like SPEC §4 and N realistic Chinese complaints, loaded fast.

Everything here runs inside an already set-up Django process (bench/run.py does that). Rows are
written with bulk_create in batches, filled the way loopdesk.complaints.intake would fill them:
numbers from the configured format with the NumberSequence counters moved past them, search_text
from intake.searchable, priority from the priority matrix, department/owner from the routing
rules, repeat detection by customer + problem type inside the configured window, and a 'register'
(plus 'route', plus 'detect_repeat' when it applies) timeline event per complaint.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from loopdesk.accounts.models import Department, Role, User
from loopdesk.classification.models import PriorityRule, ProblemType
from loopdesk.complaints import intake
from loopdesk.complaints.models import Complaint, Customer, Event, EventKind, NumberSequence
from loopdesk.core import config
from loopdesk.routing.models import RoutingRule

SEED = 20261123
DAYS = 90
BATCH = 2000

# --------------------------------------------------------------------------------------------
# Organisation
# --------------------------------------------------------------------------------------------

DEPARTMENTS = [
    ("cs", "客服中心", "Customer service"),
    ("logistics", "物流协调部", "Logistics coordination"),
    ("tech", "技术支持部", "Technical support"),
    ("aftersales", "售后服务部", "After-sales service"),
    ("finance", "财务部", "Finance"),
]
# (username prefix, role, department, how many)
STAFF = [
    ("agent", Role.AGENT, "cs", 12),
    ("lhandler", Role.HANDLER, "logistics", 6),
    ("thandler", Role.HANDLER, "tech", 6),
    ("ahandler", Role.HANDLER, "aftersales", 5),
    ("fhandler", Role.HANDLER, "finance", 3),
    ("lsuper", Role.SUPERVISOR, "logistics", 1),
    ("tsuper", Role.SUPERVISOR, "tech", 1),
    ("asuper", Role.SUPERVISOR, "aftersales", 1),
    ("manager", Role.MANAGER, "cs", 1),
    ("monitor", Role.MONITOR, "cs", 1),
    ("admin", Role.ADMIN, "cs", 1),
]
# (order, name, problem type code, department, role) — like tests/conftest.py's org, plus two more.
RULES = [
    (10, "物流 → 物流协调部", "logistics", "logistics", Role.HANDLER),
    (20, "产品功能 → 技术支持部", "product_function", "tech", Role.HANDLER),
    (30, "产品质量 → 技术支持部", "product_quality", "tech", Role.HANDLER),
    (40, "售后退换 → 售后服务部", "after_sales", "aftersales", Role.HANDLER),
    (50, "账单 → 财务部", "billing", "finance", Role.HANDLER),
    (99, "其他 → 客服中心", None, "cs", Role.AGENT),
]
BENCH_USER = "bench_agent"
BENCH_HANDLER = "lhandler01"


def ensure_org() -> dict:
    depts = {}
    for code, zh, en in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})
    if not User.objects.filter(username=BENCH_USER).exists():
        users = []
        for prefix, role, dept, n in STAFF:
            for i in range(1, n + 1):
                users.append(User(username=f"{prefix}{i:02d}", role=role, department=depts[dept],
                                  display_name=f"{prefix.title()} {i:02d}", password=make_password(None)))
        users.append(User(username=BENCH_USER, role=Role.AGENT, department=depts["cs"],
                          display_name="Bench agent", password=make_password(None)))
        User.objects.bulk_create(users, ignore_conflicts=True)
    if not RoutingRule.objects.exists():
        types = {p.code: p for p in ProblemType.objects.all()}
        for order, name, pt, dept, role in RULES:
            RoutingRule.objects.create(order=order, name=name, problem_type=types.get(pt) if pt else None,
                                       department=depts[dept], role=role)
    return depts


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

# (product, weight). The last ones are deliberately rare: they make the "rare term" search.
PRODUCTS = [
    ("洗衣机", 9), ("冰箱", 9), ("空调", 10), ("手机", 12), ("电视", 7), ("热水器", 6), ("笔记本电脑", 6),
    ("平板电脑", 4), ("微波炉", 4), ("扫地机器人", 4), ("油烟机", 4), ("净水器", 4), ("电饭煲", 5),
    ("吹风机", 3), ("蓝牙耳机", 5), ("智能手表", 3), ("燃气灶", 3), ("洗碗机", 3), ("空气净化器", 2),
    ("电动牙刷", 0.15), ("咖啡机", 0.3),
]
RARE_TERM = "电动牙刷"
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "天津", "苏州",
          "长沙", "郑州", "青岛", "厦门", "合肥", "昆明", "沈阳", "大连"]
DISTRICTS = ["浦东新区", "朝阳区", "天河区", "南山区", "西湖区", "武侯区", "江汉区", "鼓楼区", "雁塔区",
             "渝中区", "和平区", "姑苏区", "岳麓区", "金水区", "市南区", "思明区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国文辉鑫宇浩然子涵欣怡梓轩思远"
COURIERS = ["顺丰", "中通", "圆通", "韵达", "申通", "京东物流", "邮政EMS", "极兔"]
PLATFORMS = ["官方商城", "天猫旗舰店", "京东自营", "拼多多店铺", "抖音小店", "线下门店"]

# problem type code → (subject templates, description templates, core demands)
T = {
    "delivery_delay": (
        ["快递{n}天未送达", "{product}迟迟没有发货", "物流停滞不更新", "{product}配送延迟"],
        ["{date}在{platform}下单的{product}，订单号{order}，快递到现在还没送到，物流信息一直停在{city}转运中心。",
         "买的{product}说好48小时内发货，结果{n}天了还没发货，客服只说在催。",
         "{courier}快递显示已签收，但我根本没收到{product}，打电话给快递员也不接。"],
        ["尽快送达", "尽快发货并说明原因", "查清签收情况并补发"],
    ),
    "lost_damaged": (
        ["{product}收到时破损", "快递丢件", "{product}运输中压坏"],
        ["{date}收到{courier}送来的{product}，外包装破损，机身有明显压坏痕迹，当场拍了照片。",
         "订单{order}的{product}物流显示已丢件，{n}天了没有任何处理结果。"],
        ["更换新机", "全额退款", "补发并赔偿运费"],
    ),
    "wrong_item": (
        ["{product}发错型号", "少发配件", "订单漏发"],
        ["订单{order}买的是{product}，结果发错了型号，颜色也不对。",
         "收到的{product}少发了说明书和配件，联系客服说要等{n}天。"],
        ["补发正确商品", "换货并承担运费"],
    ),
    "feature_fault": (
        ["{product}无法启动", "{product}频繁死机", "{product}报错{code}", "{product}不能用了"],
        ["{date}购买的{product}用了{n}天就无法启动，屏幕一直报错{code}，重启也没用。",
         "{product}经常死机闪退，已经影响正常使用，售后说是正常现象。",
         "新买的{product}打不开，指示灯一直闪，按说明书操作无效。"],
        ["尽快检修", "更换新机", "退货退款"],
    ),
    "feature_missing": (
        ["{product}缺少宣传的功能", "{product}没有说明的模式"],
        ["宣传页写了{product}支持智能联网，实际根本没有这个功能。"],
        ["退货退款", "补偿差价"],
    ),
    "usability": (
        ["{product}操作太复杂", "{product}App难用"],
        ["{product}配套的App操作复杂，老人完全不会用，设置一个定时要点很多步。"],
        ["提供上门指导", "优化操作"],
    ),
    "quality_defect": (
        ["{product}质量问题", "{product}有异响", "{product}外壳开裂"],
        ["{product}运行时有很大的异响，外壳掉漆，做工很差，才买了{n}天。",
         "{date}买的{product}外壳裂了，质量太差，怀疑是翻新机。"],
        ["更换新机", "退货退款", "赔偿{amount}元"],
    ),
    "safety_hazard": (
        ["{product}冒烟", "{product}漏电", "{product}有安全隐患"],
        ["{product}插上电源后冒烟，差点起火，家里有老人小孩很害怕！！",
         "使用{product}时手被电了一下，怀疑漏电，存在严重安全隐患。"],
        ["上门检测并退款", "赔偿损失{amount}元"],
    ),
    "not_as_described": (
        ["{product}与描述不符", "怀疑买到假货"],
        ["收到的{product}和页面描述不符，配置明显以次充好，怀疑是假货。"],
        ["退一赔三", "全额退款"],
    ),
    "refund": (
        ["退款迟迟未到账", "申请退款被拒"],
        ["{product}申请退款已经{n}天了，钱还没有退回到原支付账户，订单号{order}。",
         "退货已经签收{n}天，退款一直显示处理中。"],
        ["尽快退款", "退款并补偿"],
    ),
    "return_exchange": (
        ["{product}退货被拒", "{product}换货进度慢"],
        ["{product}七天无理由退货被拒绝，理由是包装已拆封。",
         "申请换货{n}天了还没有安排上门取件。"],
        ["同意退货", "尽快换货"],
    ),
    "repair": (
        ["{product}维修无人上门", "{product}保修期内收费"],
        ["{product}在保修期内，预约上门维修{n}次都没人来，每次都说师傅在路上。",
         "{product}保修期内维修却要收{amount}元上门费。"],
        ["尽快安排维修", "免除维修费用"],
    ),
    "rude": (
        ["客服态度恶劣", "安装师傅态度差"],
        ["客服态度恶劣，说话不耐烦，问了两句就直接挂电话。",
         "上门安装{product}的师傅态度很凶，还骂人。"],
        ["道歉", "处理相关人员"],
    ),
    "unresponsive": (
        ["问题无人处理", "客服互相推诿"],
        ["反映{product}的问题后一直没人管，客服互相推诿踢皮球，已经{n}天了。"],
        ["给出明确答复", "专人跟进"],
    ),
    "misleading": (
        ["销售承诺未兑现", "宣传误导"],
        ["销售承诺{product}免费送货上门安装，结果收了{amount}元安装费。"],
        ["退还费用", "兑现承诺"],
    ),
    "wrong_charge": (
        ["重复扣款", "被多扣费"],
        ["账户被重复扣款{amount}元，订单号{order}，银行流水可以证明。"],
        ["退还多扣款项"],
    ),
    "price_dispute": (
        ["{product}降价要求保价", "价格争议"],
        ["买了{product}第二天就降价{amount}元，申请保价被拒。"],
        ["退还差价"],
    ),
    "invoice": (
        ["发票开错", "发票迟迟未开"],
        ["开具的发票抬头错误，要求重开一直没处理，订单号{order}。"],
        ["重开发票"],
    ),
    "slow_process": (
        ["退换流程繁琐", "手续太麻烦"],
        ["退换货流程太繁琐，要求提供的手续太多，来回跑了{n}趟。"],
        ["简化流程", "一次办结"],
    ),
    "long_wait": (
        ["热线排队太久", "等待时间过长"],
        ["客服热线排队等了{n}分钟都没人接，在线客服也一直在等待。"],
        ["尽快回电"],
    ),
    "product_suggestion": (
        ["{product}功能建议"],
        ["建议{product}增加童锁功能，希望增加远程控制。"],
        ["采纳建议"],
    ),
    "service_suggestion": (
        ["服务建议"],
        ["建议增加晚间客服时段，希望上门服务可以预约具体时间。"],
        ["改进服务"],
    ),
    "other": (
        ["其他问题", "{product}相关咨询"],
        ["关于{product}的问题，{date}联系过一次，至今没有结果。"],
        ["尽快回复"],
    ),
}
# How often each problem type occurs (sub-types; roots are only used by routing rules).
TYPE_WEIGHTS = {
    "delivery_delay": 14, "lost_damaged": 5, "wrong_item": 4, "feature_fault": 12, "feature_missing": 2,
    "usability": 2, "quality_defect": 9, "safety_hazard": 2, "not_as_described": 2, "refund": 8,
    "return_exchange": 6, "repair": 8, "rude": 4, "unresponsive": 4, "misleading": 2, "wrong_charge": 3,
    "price_dispute": 3, "invoice": 2, "slow_process": 2, "long_wait": 3, "product_suggestion": 1,
    "service_suggestion": 1, "other": 3,
}
CHANNELS = [("TEL", 35), ("CHAT", 25), ("WEB", 12), ("MAIL", 8), ("SOC", 8), ("PLAT", 10), ("API", 2)]
URGENT_TAILS = ["太过分了！！！", "忍无可忍，今天必须给说法！", "这已经是第三次投诉了，非常愤怒。"]
RISK_TAILS = {"high": ["再不解决就投诉到12315。", "已经联系了媒体记者。", "准备找律师起诉。"],
              "medium": ["不解决就去黑猫投诉。", "会在小红书发差评。"], "low": ["希望尽快处理。"]}
NOISE = ["客服电话一直打不通。", "家里老人等着用。", "周末才有时间在家。", "已经提供了照片和视频。",
         "之前反映过一次。", "请尽快联系我。", "最好下午联系。", "快递员态度也不好。", "希望给个明确时间。"]
RESOLUTIONS = ["已为客户更换新机，客户确认满意。", "已全额退款到原支付账户。", "已安排师傅上门维修，故障排除。",
               "已补发商品并赠送优惠券。", "已向客户道歉并对相关人员进行培训。", "已退还差价。"]


def _weighted(pairs):
    items, weights = zip(*pairs, strict=True)
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    return list(items), cum


@dataclass
class TextGen:
    rng: random.Random

    def __post_init__(self):
        self.products = _weighted(PRODUCTS)
        self.types = _weighted(TYPE_WEIGHTS.items())
        self.channels = _weighted(CHANNELS)

    def pick(self, table):
        items, cum = table
        return self.rng.choices(items, cum_weights=cum)[0]

    def fill(self, tpl: str, ctx: dict) -> str:
        return tpl.format(**ctx)

    def context(self, when: datetime, product: str, city: str) -> dict:
        r = self.rng
        bought = when - timedelta(days=r.randint(1, 40))
        return {
            "product": product, "city": city, "n": r.randint(2, 15), "amount": r.choice([50, 99, 120, 200, 300,
                                                                                          500, 800, 1200]),
            "date": f"{bought.month}月{bought.day}日", "order": f"DD{r.randint(10**11, 10**12 - 1)}",
            "code": f"E{r.randint(1, 99):02d}", "courier": r.choice(COURIERS), "platform": r.choice(PLATFORMS),
        }


def person_name(r: random.Random) -> str:
    s = r.choice(SURNAMES)
    roll = r.random()
    if roll < 0.45:
        return s + r.choice(["先生", "女士"])
    return s + r.choice(GIVEN) + (r.choice(GIVEN) if roll < 0.8 else "")


# --------------------------------------------------------------------------------------------
# Workflow shape: status by age, and consistent timestamps
# --------------------------------------------------------------------------------------------

STATUS_BY_AGE = [  # (max age in days, [(status, weight)])
    (1, [("new", 35), ("accepted", 20), ("in_progress", 30), ("awaiting_customer", 4), ("solution_pending", 5),
         ("resolved", 3), ("cancelled", 3)]),
    (7, [("new", 4), ("accepted", 8), ("in_progress", 30), ("awaiting_customer", 10), ("solution_pending", 10),
         ("resolved", 15), ("callback_pending", 9), ("closed", 9), ("reopened", 2), ("cancelled", 3)]),
    (30, [("in_progress", 8), ("awaiting_customer", 4), ("solution_pending", 3), ("resolved", 9),
          ("callback_pending", 5), ("closed", 60), ("reopened", 3), ("cancelled", 4), ("archived", 4)]),
    (10_000, [("in_progress", 2), ("resolved", 3), ("closed", 54), ("reopened", 1), ("cancelled", 4),
              ("archived", 36)]),
]
_STATUS_TABLES = [(age, _weighted(w)) for age, w in STATUS_BY_AGE]
PASSED_ACCEPT = {"accepted", "in_progress", "awaiting_customer", "solution_pending", "resolved", "callback_pending",
                 "closed", "archived", "reopened"}
PASSED_RESOLVE = {"resolved", "callback_pending", "closed", "archived", "reopened"}


def _status_for_age(r: random.Random, age_days: float) -> str:
    for max_age, (items, cum) in _STATUS_TABLES:
        if age_days < max_age:
            return r.choices(items, cum_weights=cum)[0]
    raise AssertionError


def _lifecycle(r: random.Random, status: str, registered: datetime, now: datetime) -> dict:
    """Timestamps that agree with the status; statuses that would need the future fall back."""
    cap = now - timedelta(seconds=30)

    def later(t: datetime, lo_min: float, hi_min: float) -> datetime:
        return min(t + timedelta(minutes=r.uniform(lo_min, hi_min)), cap)

    out: dict = {}
    if status == "cancelled":
        out["cancelled_at"] = later(registered, 10, 600)
        out["cancel_reason"] = r.choice(["客户撤回投诉", "重复登记", "客户已自行解决"])
        out["last_progress_at"] = out["cancelled_at"]
        return out
    if status in PASSED_ACCEPT:
        out["accepted_at"] = later(registered, 2, 240)
        out["first_response_at"] = later(out["accepted_at"], 1, 120)
        out["last_progress_at"] = later(out["first_response_at"], 10, 2880)
    if status in PASSED_RESOLVE:
        out["resolved_at"] = later(out["last_progress_at"], 30, 7 * 1440)
        out["last_progress_at"] = out["resolved_at"]
        out["resolution_summary"] = r.choice(RESOLUTIONS)
    if status in ("closed", "archived"):
        out["closed_at"] = later(out["resolved_at"], 60, 4 * 1440)
    if status == "archived":
        out["archived_at"] = later(out["closed_at"], 1440, 20 * 1440)
    if status == "reopened":
        out["reopen_count"] = 1
        out["last_progress_at"] = later(out["resolved_at"], 60, 2880)
    return out


# --------------------------------------------------------------------------------------------
# Loader
# --------------------------------------------------------------------------------------------

class Router:
    """routing.engine.route without the per-call queries: rules in order, owners in turn."""

    def __init__(self):
        self.rules = list(RoutingRule.objects.filter(active=True).select_related("department", "user"))
        self.by_rule = {}
        for rule in self.rules:
            self.by_rule[rule.pk] = list(User.objects.filter(department_id=rule.department_id, role=rule.role,
                                                             is_active=True).order_by("id"))
        self.turn = dict.fromkeys(self.by_rule, 0)

    def route(self, pt: ProblemType, channel: str, region: str, level: str):
        for rule in self.rules:
            if rule.problem_type_id and rule.problem_type_id not in (pt.pk, pt.parent_id):
                continue
            if (rule.channel and rule.channel != channel) or (rule.region and rule.region != region):
                continue
            if rule.customer_level and rule.customer_level != level:
                continue
            people = self.by_rule[rule.pk]
            if rule.user_id:
                return rule, rule.user.department or rule.department, rule.user
            if not people:
                return rule, rule.department, None
            self.turn[rule.pk] += 1
            return rule, rule.department, people[self.turn[rule.pk] % len(people)]
        return None, None, None


def _priority_fn():
    rules = list(PriorityRule.objects.all())
    conds = ("severity", "scope", "risk", "customer_level")

    def compute(**facts) -> str:
        for rule in rules:
            if all(not getattr(rule, c) or getattr(rule, c) == facts[c] for c in conds):
                return rule.priority
        return "C"

    return compute


def complaint_count() -> int:
    return Complaint.objects.count()


def load(n: int, *, log=print, seed: int = SEED) -> dict:
    """Add n complaints (with their customers and events). Returns timings."""
    t0 = time.perf_counter()
    r = random.Random(seed + complaint_count())
    gen = TextGen(r)
    now = timezone.now()
    types = {p.code: p for p in ProblemType.objects.select_related("parent")}
    router = Router()
    priority = _priority_fn()
    agents = list(User.objects.filter(role=Role.AGENT).exclude(username=BENCH_USER).order_by("id"))
    fmt = config.get("numbering.format")
    reset = config.get("numbering.reset")
    per_channel = bool(config.get("numbering.per_channel"))
    window = timedelta(days=int(config.get("repeat.window_days")))
    period_fmt = {"daily": "%Y%m%d", "monthly": "%Y%m", "yearly": "%Y"}.get(reset)
    counters = dict(NumberSequence.objects.values_list("scope", "last_value"))

    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit TO off")

    # Customers: about one per three complaints, so some complain repeatedly.
    n_customers = max(1, n // 3)
    base = Customer.objects.count()
    customers = []
    for i in range(n_customers):
        idx = base + i
        anonymous = r.random() < 0.03
        city = r.choice(CITIES)
        customers.append(Customer(
            name="" if anonymous else person_name(r), anonymous=anonymous,
            phone="" if anonymous else f"1{r.choice('3578')}{idx:09d}",
            email="" if anonymous or r.random() > 0.15 else f"user{idx}@example.cn",
            member_no="" if anonymous or r.random() > 0.3 else f"M{idx:08d}",
            region=city, industry=r.choice(["", "", "零售", "教育", "制造", "互联网"]),
            level="vip" if r.random() < 0.08 else "normal", created_at=now - timedelta(days=DAYS + r.uniform(0, 300)),
        ))
    for i in range(0, len(customers), BATCH * 2):
        Customer.objects.bulk_create(customers[i : i + BATCH * 2])
    t_customers = time.perf_counter()
    log(f"  customers: {len(customers)} in {t_customers - t0:.1f}s")

    # Registration times, oldest first, so ids grow with time as they do in production.
    times = sorted(now - timedelta(seconds=r.uniform(60, DAYS * 86400)) for _ in range(n))
    last_seen: dict[tuple[int, int], tuple[datetime, int, str, str]] = {}
    scopes_used: dict[str, int] = {}
    created = 0
    events_total = 0
    for start in range(0, n, BATCH):
        batch, extras = [], []
        for registered in times[start : start + BATCH]:
            code = gen.pick(gen.types)
            pt = types[code]
            product = gen.pick(gen.products)
            cu = customers[int(r.random() ** 1.3 * len(customers))]  # a few customers complain a lot
            channel = gen.pick(gen.channels)
            local = timezone.localtime(registered)
            period = local.strftime(period_fmt) if period_fmt else "all"
            scope = f"{fmt}|{period}|{channel if per_channel else '*'}"
            seq = counters.get(scope, 0) + 1
            counters[scope] = seq
            scopes_used[scope] = seq
            number = fmt.format(date=local, channel=channel, seq=seq)
            received = registered - timedelta(minutes=r.choice([0, 0, 1, 3, 5, 15, 60, 180]) + r.random())
            ctx = gen.context(registered, product, cu.region or r.choice(CITIES))
            subjects, descriptions, demands = T[code]
            severity = r.choices(["normal", "important", "urgent"], [75, 18, 7])[0]
            risk = r.choices(["none", "low", "medium", "high"], [80, 8, 7, 5])[0]
            scope_ = r.choices(["individual", "group", "systemic"], [92, 6, 2])[0]
            parts = [gen.fill(r.choice(descriptions), ctx)]
            if r.random() < 0.5:
                parts.append(r.choice(NOISE))
            if severity == "urgent":
                parts.append(r.choice(URGENT_TAILS))
            if risk != "none":
                parts.append(r.choice(RISK_TAILS[risk]))
            if r.random() < 0.1:
                parts.append(f"地址：{cu.region or r.choice(CITIES)}{r.choice(DISTRICTS)}。")
            status = _status_for_age(r, (now - registered).total_seconds() / 86400)
            life = _lifecycle(r, status, registered, now)
            rule, dept, owner = router.route(pt, channel, cu.region, cu.level)
            comp_kind = r.choice(["", "", "", "refund", "repair", "replacement", "coupon", "cash"])
            prev = last_seen.get((cu.pk, pt.pk))
            repeat_of = None
            if (not cu.anonymous and prev and prev[0] >= received - window and prev[0] <= received
                    and prev[3] != "cancelled"):
                repeat_of = prev
            c = Complaint(
                number=number, channel=channel, channel_ref=f"{channel}-{r.randint(10**6, 10**7 - 1)}",
                customer=cu, order_no=ctx["order"] if r.random() < 0.7 else "", product=product,
                region=cu.region, received_at=received, registered_at=registered,
                registered_by=None if channel in ("WEB", "API") else r.choice(agents),
                subject=gen.fill(r.choice(subjects), ctx)[:200], description="".join(parts),
                facts="" if r.random() < 0.6 else f"经核实，订单{ctx['order']}于{ctx['date']}发货。",
                core_demand=gen.fill(r.choice(demands), ctx),
                expected_resolution_at=registered + timedelta(days=r.choice([1, 3, 7])) if r.random() < 0.3 else None,
                compensation_amount=Decimal(ctx["amount"]) if comp_kind in ("refund", "cash") else None,
                compensation_kind=comp_kind, problem_type=pt,
                nature=r.choices(["complaint", "problem", "inquiry", "suggestion"], [70, 20, 7, 3])[0],
                severity=severity, scope=scope_, risk=risk,
                priority=priority(severity=severity, scope=scope_, risk=risk, customer_level=cu.level),
                status=status, department=dept, owner=owner,
                repeat_of_id=repeat_of[1] if repeat_of else None, is_repeat=repeat_of is not None,
                reopen_count=life.pop("reopen_count", 0), **life,
            )
            c.search_text = intake.searchable(c)
            batch.append(c)
            extras.append((rule, repeat_of))
        with transaction.atomic():
            Complaint.objects.bulk_create(batch, batch_size=BATCH)
            events = []
            for c, (rule, repeat_of) in zip(batch, extras, strict=True):
                last_seen[(c.customer_id, c.problem_type_id)] = (c.received_at, c.pk, c.number, c.status)
                at = c.registered_at
                events.append(Event(
                    complaint=c, kind=EventKind.REGISTERED, actor=c.registered_by, at=at, action="register",
                    after={"status": "new", "priority": c.priority, "channel": c.channel,
                           "problem_type": c.problem_type.code}, customer_visible=True))
                if c.department or c.owner:
                    events.append(Event(
                        complaint=c, kind=EventKind.ASSIGNMENT, actor=None, at=at, action="route",
                        after={"department": c.department.code if c.department else None,
                               "owner": c.owner.username if c.owner else None},
                        note=rule.name if rule else ""))
                if repeat_of:
                    events.append(Event(complaint=c, kind=EventKind.REPEAT, actor=None, at=at,
                                        action="detect_repeat", after={"repeat_of": repeat_of[2]}))
            Event.objects.bulk_create(events, batch_size=BATCH * 2)
            events_total += len(events)
        created += len(batch)
        if created % 20000 == 0 or created == n:
            log(f"  complaints: {created}/{n} ({time.perf_counter() - t_customers:.1f}s)")

    # Intake after the load must never reuse a number: move each counter past what was loaded.
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO complaints_numbersequence (scope, last_value) VALUES (%s, %s) "
            "ON CONFLICT (scope) DO UPDATE SET last_value = GREATEST(complaints_numbersequence.last_value, "
            "EXCLUDED.last_value)",
            list(scopes_used.items()),
        )
        # updated_at is auto_now; make it the last thing that happened to each loaded complaint.
        cur.execute(
            "UPDATE complaints_complaint SET updated_at = GREATEST(registered_at, COALESCE(last_progress_at, "
            "registered_at), COALESCE(closed_at, registered_at), COALESCE(archived_at, registered_at), "
            "COALESCE(cancelled_at, registered_at)) WHERE updated_at >= %s",
            [now],
        )
    t_rows = time.perf_counter()
    log(f"  events: {events_total}; rows written in {t_rows - t0:.1f}s; VACUUM ANALYZE…")
    vacuum_analyze()
    t_end = time.perf_counter()
    log(f"  VACUUM ANALYZE {t_end - t_rows:.1f}s")
    return {"complaints": created, "customers": len(customers), "events": events_total,
            "seconds_rows": round(t_rows - t0, 1), "seconds_vacuum": round(t_end - t_rows, 1),
            "seconds_total": round(t_end - t0, 1)}


def vacuum_analyze() -> None:
    with connection.cursor() as cur:
        for table in ("complaints_customer", "complaints_complaint", "complaints_event",
                      "complaints_numbersequence", "accounts_user"):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def term_counts(terms: list[str]) -> dict[str, int]:
    from loopdesk.core.textsearch import search

    return {t: search(Complaint.objects.all(), t).count() for t in terms}
