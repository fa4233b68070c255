"""The demo organisation: departments, one login per role, routing rules (SPEC §4).

Everything here is get-or-create, so running it twice changes nothing and never resets a
password someone has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from loopdesk.accounts.models import Department, Role, User
from loopdesk.classification.models import ProblemType
from loopdesk.routing.models import RoutingRule, Strategy

# Printed by load_demo for people trying Loopdesk; load_demo refuses to run in production.
DEMO_PASSWORD = "loopdesk-demo"  # noqa: S105

DEPARTMENTS = [
    ("cs", "客服中心", "Customer service centre"),
    ("tech", "技术支持部", "Technical support"),
    ("logistics", "物流协调部", "Logistics coordination"),
    ("aftersales", "售后服务部", "After-sales service"),
    ("finance", "财务部", "Finance"),
    ("hr", "人力资源部", "Human resources"),
    ("quality", "质量管理部", "Quality management"),
]


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    department: str
    display_name: str
    # What the login table says the account is for.
    purpose: str


PEOPLE = [
    Person("agent", Role.AGENT, "cs", "王晓雨", "一线客服 · 登记、回访"),
    Person("agent2", Role.AGENT, "cs", "李婷", "一线客服"),
    Person("handler", Role.HANDLER, "logistics", "张伟", "物流协调部 责任人"),
    Person("handler.logistics2", Role.HANDLER, "logistics", "赵磊", "物流协调部 责任人"),
    Person("handler.logistics3", Role.HANDLER, "logistics", "孙丽娜", "物流协调部 责任人"),
    Person("handler.tech", Role.HANDLER, "tech", "陈志强", "技术支持部 责任人"),
    Person("handler.tech2", Role.HANDLER, "tech", "周敏", "技术支持部 责任人"),
    Person("handler.tech3", Role.HANDLER, "tech", "吴昊", "技术支持部 责任人"),
    Person("handler.aftersales", Role.HANDLER, "aftersales", "郑芳", "售后服务部 责任人"),
    Person("handler.aftersales2", Role.HANDLER, "aftersales", "冯涛", "售后服务部 责任人"),
    Person("handler.finance", Role.HANDLER, "finance", "何静", "财务部 责任人"),
    Person("handler.hr", Role.HANDLER, "hr", "马骏", "人力资源部 协办人"),
    Person("handler.quality", Role.HANDLER, "quality", "林雪", "质量管理部 责任人"),
    Person("supervisor", Role.SUPERVISOR, "cs", "刘建国", "客服主管 · 审批、服务态度投诉"),
    Person("manager", Role.MANAGER, "cs", "黄海燕", "客服经理 · 全部投诉"),
    Person("monitor", Role.MONITOR, "quality", "许文博", "监控人员 · 结案核查"),
    Person("admin", Role.ADMIN, "cs", "系统管理员", "管理员 · 含 Django 后台"),
]

# (order, name, problem-type code or "", department, role, strategy)
ROUTING = [
    (10, "产品功能 → 技术支持部", "product_function", "tech", Role.HANDLER, Strategy.LEAST_LOADED),
    (20, "产品质量/安全 → 技术支持部", "product_quality", "tech", Role.HANDLER, Strategy.LEAST_LOADED),
    (30, "物流配送 → 物流协调部", "logistics", "logistics", Role.HANDLER, Strategy.LEAST_LOADED),
    (40, "服务态度 → 客服主管", "service_attitude", "cs", Role.SUPERVISOR, Strategy.LEAST_LOADED),
    (50, "账单争议 → 财务部", "billing", "finance", Role.HANDLER, Strategy.LEAST_LOADED),
    (60, "售后退换 → 售后服务部", "after_sales", "aftersales", Role.HANDLER, Strategy.ROUND_ROBIN),
    (999, "其他 → 客服中心", "", "cs", Role.AGENT, Strategy.ROUND_ROBIN),
]


def _ensure_defaults() -> None:
    """Reinstall the shipped defaults if the tables were emptied (e.g. by `manage.py flush`).

    The data migrations install them once; the demo needs them to route and time its complaints.
    """
    import datetime

    from django.apps import apps

    from loopdesk.classification import defaults as classification_defaults
    from loopdesk.deadlines import defaults as deadline_defaults
    from loopdesk.deadlines.models import WorkingPeriod

    if not ProblemType.objects.exists():
        classification_defaults.install(apps)
    deadline_defaults.install(apps)
    if not WorkingPeriod.objects.exists():
        periods = [(datetime.time(9, 0), datetime.time(12, 0)), (datetime.time(13, 30), datetime.time(18, 0))]
        WorkingPeriod.objects.bulk_create(
            WorkingPeriod(weekday=weekday, start=start, end=end) for weekday in range(5) for start, end in periods
        )


def ensure_organisation() -> dict[str, User]:
    """Create what is missing; return the demo users by username."""
    _ensure_defaults()
    depts = {}
    for code, zh, en in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})
    users = {}
    # No e-mail addresses: the demo's thousands of past notifications stay in the in-app inbox.
    # Hashing is slow on purpose; one hash serves every demo account.
    password = make_password(DEMO_PASSWORD)
    for p in PEOPLE:
        user = User.objects.filter(username=p.username).first()
        if user is None:
            user = User(username=p.username, role=p.role, department=depts[p.department],
                        display_name=p.display_name)
            user.is_staff = user.is_superuser = p.role == Role.ADMIN
            user.password = password
            user.save()
        users[p.username] = user
    supervisor = users["supervisor"]
    # The demo supervisor looks after every department, so one login sees the whole desk.
    supervisor.supervised_departments.add(*depts.values())
    if not RoutingRule.objects.exists():
        types = {t.code: t for t in ProblemType.objects.filter(parent__isnull=True)}
        for order, name, type_code, dept, role, strategy in ROUTING:
            RoutingRule.objects.create(order=order, name=name, problem_type=types[type_code] if type_code else None,
                                       department=depts[dept], role=role, strategy=strategy)
    return users
