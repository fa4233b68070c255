"""Deciding what the demo complaints are: who complains, about what, when, and how far each got.

Pure planning with a seeded random generator: no database access, so the same seed gives the
same plans. Timelines are written by loopdesk.demo.timelines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from loopdesk.classification.models import CustomerLevel
from loopdesk.complaints.intake import CustomerInput
from loopdesk.complaints.models import Channel, Status
from loopdesk.demo import narrative, texts
from loopdesk.demo.texts import Story

S = Status

# Share of each final status; every status appears at least once whatever the count.
STATUS_WEIGHTS = {
    S.NEW: 6, S.ACCEPTED: 5, S.IN_PROGRESS: 10, S.AWAITING_CUSTOMER: 5, S.SOLUTION_PENDING: 5,
    S.RESOLVED: 5, S.CALLBACK_PENDING: 5, S.CLOSED: 24, S.ARCHIVED: 25, S.REOPENED: 5, S.CANCELLED: 5,
}
# How many days ago a complaint that ended in each status was received: young ones are still open.
AGE_DAYS = {
    S.NEW: (0.0, 2), S.ACCEPTED: (0.2, 4), S.IN_PROGRESS: (0.5, 12), S.AWAITING_CUSTOMER: (1, 14),
    S.SOLUTION_PENDING: (1, 14), S.RESOLVED: (1, 10), S.CALLBACK_PENDING: (2, 14), S.CLOSED: (4, 45),
    S.ARCHIVED: (20, 90), S.REOPENED: (3, 40), S.CANCELLED: (0.5, 90),
}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 35, Channel.CHAT: 18, Channel.EMAIL: 10, Channel.WEB: 15, Channel.SOCIAL: 8,
    Channel.PLATFORM: 11, Channel.API: 3,
}
SEVERITY_WEIGHTS = {"normal": 62, "important": 30, "urgent": 8}
RISK_WEIGHTS = {"none": 64, "low": 18, "medium": 12, "high": 6}
# Channels where a customer may stay anonymous.
ANONYMOUS_CHANNELS = (Channel.PHONE, Channel.WEB, Channel.SOCIAL)


@dataclass
class Plan:
    received_at: datetime
    target: str
    story: Story
    channel: str
    customer: CustomerInput
    severity: str
    risk: str
    scope: str
    fill: dict[str, str]
    channel_ref: str = ""
    repeat: bool = False
    # Registered without a type and classified later by the first owner.
    classify_later: bool = False
    # A second registration of the same customer's trouble (narrative.DUPLICATES kind), or "".
    duplicate: str = ""

    def text(self, template: str) -> str:
        return template.format(**self.fill)


def _weighted(rng: random.Random, weights: dict) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _covering(rng: random.Random, weights: dict, n: int) -> list:
    """n values drawn by weight, but each key at least once when n allows."""
    values = list(weights)[:n] + [_weighted(rng, weights) for _ in range(max(0, n - len(weights)))]
    rng.shuffle(values)
    return values


class Planner:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self._phones: set[str] = set()
        self._serial = 0

    # --- customers ---------------------------------------------------------------------------

    def _phone(self) -> str:
        while True:
            phone = self.rng.choice(("13", "15", "17", "18", "19")) + f"{self.rng.randrange(10**9):09d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def customer(self, channel: str) -> CustomerInput:
        rng = self.rng
        city = rng.choice(texts.CITIES)
        if channel in ANONYMOUS_CHANNELS and rng.random() < 0.08:
            return CustomerInput(anonymous=True, region=city)
        vip = rng.random() < 0.12
        surname = rng.choice(texts.SURNAMES)
        formal = vip or rng.random() < 0.5
        name = surname + (rng.choice(texts.GIVEN) if formal else rng.choice(("先生", "女士")))
        phone = self._phone()
        email = f"{phone}@{rng.choice(('qq.com', '163.com', '126.com', 'outlook.com'))}"
        return CustomerInput(
            name=name, phone=phone,
            email=email if channel == Channel.EMAIL or rng.random() < 0.35 else "",
            member_no=f"VIP{phone[1:]}" if vip else (f"M{phone[1:]}" if rng.random() < 0.4 else ""),
            region=city, industry=rng.choice(texts.INDUSTRIES),
            level=CustomerLevel.VIP if vip else CustomerLevel.NORMAL,
        )

    # --- one complaint -----------------------------------------------------------------------

    def _received(self, target: str) -> datetime:
        lo, hi = AGE_DAYS[target]
        return self._at(self.rng.uniform(lo, hi))

    def _at(self, days_ago: float) -> datetime:
        day = self.now - timedelta(days=days_ago)
        # Most complaints arrive in the daytime; a few late at night.
        hour = self.rng.choices(range(24), weights=[1, 1, 0, 0, 0, 0, 1, 2, 6, 9, 10, 9, 7, 8, 9, 9, 8, 7, 6, 6,
                                                    5, 4, 3, 2])[0]
        at = day.astimezone(self.now.tzinfo).replace(hour=hour, minute=self.rng.randrange(60),
                                                      second=self.rng.randrange(60), microsecond=0)
        return min(at, self.now - timedelta(minutes=self.rng.uniform(3, 40)))

    def _fill(self, story: Story, received_at: datetime) -> dict[str, str]:
        rng = self.rng
        days = rng.randint(3, 15)
        lo, hi = (story.compensation[1], story.compensation[2]) if story.compensation else (50, 999)
        bought = received_at - timedelta(days=days + rng.randint(0, 20))
        return {
            "product": rng.choice(story.products or texts.PRODUCTS),
            "order_no": f"LD{bought:%Y%m%d}{rng.randrange(10**6):06d}",
            "date": f"{bought.month}月{bought.day}日",
            "days": str(days),
            "amount": str(rng.randint(lo, hi) if hi else rng.randint(50, 999)),
            "city": rng.choice(texts.CITIES),
            "courier": rng.choice(texts.COURIERS),
            "platform": rng.choice(texts.PLATFORMS),
            "hours": str(rng.choice((2, 4, 24))),
        }

    def _channel_ref(self, plan: Plan) -> str:
        rng, at = self.rng, plan.received_at
        self._serial += 1
        match plan.channel:
            case Channel.PHONE:
                return f"CALL-{at:%Y%m%d}-{rng.randrange(10**5):05d}"
            case Channel.CHAT:
                return f"CHAT-{rng.randrange(10**8):08d}"
            case Channel.EMAIL:
                return plan.customer.email or f"anon{self._serial}@mail.example"
            case Channel.WEB:
                return f"PORTAL-{at:%Y%m%d}-{self._serial:04d}"
            case Channel.SOCIAL:
                return rng.choice(("微博 @", "微信 wxid_", "抖音 @")) + f"{rng.randrange(10**7):07d}"
            case Channel.PLATFORM:
                return f"{plan.fill['platform']} 订单 {plan.fill['order_no']}"
            case _:
                return f"CRM-{rng.randrange(10**6):06d}"

    def complaint(self, *, target: str, story: Story | None = None, channel: str | None = None,
                  customer: CustomerInput | None = None, received_at: datetime | None = None,
                  scope: str = "individual") -> Plan:
        rng = self.rng
        channel = channel or _weighted(rng, CHANNEL_WEIGHTS)
        received_at = received_at or self._received(target)
        story = story or self._story(received_at)
        risk = _weighted(rng, RISK_WEIGHTS)
        if story.type_code == "safety_hazard" and risk in ("none", "low"):
            risk = "medium"
        plan = Plan(
            received_at=received_at, target=target, story=story, channel=channel,
            customer=customer or self.customer(channel),
            severity=story.severity or _weighted(rng, SEVERITY_WEIGHTS), risk=risk, scope=scope,
            fill=self._fill(story, received_at),
        )
        plan.channel_ref = self._channel_ref(plan)
        return plan

    def _story(self, received_at: datetime) -> Story:
        """A random story; one whose cause was fixed before the complaint arrived is mostly redrawn."""
        story = self.rng.choice(texts.STORIES)
        fixed = narrative.FIXED.get(story.subject)
        if (fixed is not None and received_at > self.now - timedelta(days=fixed)
                and self.rng.random() < narrative.FIXED_SHARE):
            story = self.rng.choice([s for s in texts.STORIES if s.subject not in narrative.FIXED])
        return story

    def _age(self, at: datetime) -> float:
        return (self.now - at).total_seconds() / 86400

    def status_for_age(self, age_days: float) -> str:
        fits = {s: w for s, w in STATUS_WEIGHTS.items() if AGE_DAYS[s][0] <= age_days <= AGE_DAYS[s][1]}
        return _weighted(self.rng, fits or {S.ARCHIVED: 1})

    # --- the storyline (loopdesk/demo/narrative.py) ---------------------------------------------

    def _burst(self) -> list[Plan]:
        """The K15 kettle batch: many customers within hours, more than the burst rule allows."""
        rng = self.rng
        story = narrative.story(narrative.K15_LEAK)
        base = self.now - timedelta(days=rng.uniform(*narrative.BURST_DAYS_AGO))
        city = rng.choice(texts.CITIES)
        out = []
        for _ in range(rng.randint(*narrative.BURST_SIZE)):
            at = (base + timedelta(hours=rng.uniform(0, narrative.BURST_HOURS))).replace(microsecond=0)
            p = self.complaint(target=self.status_for_age(self._age(at)), story=story, received_at=at,
                               scope=story.group_scope)
            p.fill["city"] = city
            out.append(p)
        return out

    def _recurring(self, count: int) -> list[Plan]:
        """Complaints of the problems that recur until their fix, on top of the random draw."""
        out = []
        for subject, per_100, (lo, hi) in narrative.RECURRING:
            story = narrative.story(subject)
            for _ in range(max(2, count * per_100 // 100)):
                at = self._at(self.rng.uniform(lo, hi))
                target = self.status_for_age(self._age(at))
                # Counted by the effect evaluation, which leaves cancelled complaints out.
                out.append(self.complaint(target=S.ARCHIVED if target == S.CANCELLED else target, story=story,
                                          received_at=at))
        return out

    def _duplicates(self) -> list[Plan]:
        """A customer calls, then fills in the web form as well: two registrations of one trouble.

        The web one arrives without a type, so intake cannot see it repeats the call; once its owner
        classifies it, the data check for likely duplicates can.
        """
        rng = self.rng
        out = []
        for kind, subject, days_ago in narrative.DUPLICATES:
            story = narrative.story(subject)
            customer = self.customer(Channel.CHAT)  # a chat customer is never anonymous
            at = self._at(days_ago)
            target = self.status_for_age(days_ago)
            first = self.complaint(target=S.IN_PROGRESS if target == S.CANCELLED else target, story=story,
                                   channel=Channel.PHONE, customer=customer, received_at=at)
            later = (at + timedelta(minutes=rng.uniform(40, 240))).replace(microsecond=0)
            second = self.complaint(target=S.IN_PROGRESS, story=story, channel=Channel.WEB, customer=customer,
                                    received_at=min(later, self.now - timedelta(minutes=30)))
            second.fill = dict(first.fill)
            if kind == "other_order":
                second.fill["order_no"] = f"LD{at:%Y%m%d}{rng.randrange(10**6):06d}"
            second.severity, second.risk = first.severity, first.risk
            second.channel_ref = self._channel_ref(second)
            second.classify_later, second.duplicate = True, kind
            out += [first, second]
        return out

    # --- the whole set -----------------------------------------------------------------------

    def plan(self, count: int) -> list[Plan]:
        rng = self.rng
        plans: list[Plan] = []
        # Group issues: several customers, one cause, within a day and a half.
        group_stories = [s for s in texts.STORIES if s.group_scope]
        for _ in range(max(1, count // 100) if count >= 20 else 0):
            story = rng.choice(group_stories)
            base = self.now - timedelta(days=rng.uniform(6, 80))
            city = rng.choice(texts.CITIES)
            for _ in range(rng.randint(3, 6)):
                at = base + timedelta(hours=rng.uniform(0, 36))
                p = self.complaint(target=self.status_for_age((self.now - at).total_seconds() / 86400),
                                   story=story, received_at=at.replace(microsecond=0), scope=story.group_scope)
                p.fill["city"] = city
                plans.append(p)
        if count >= narrative.STORYLINE_MIN_COUNT:
            plans += self._burst() + self._recurring(count) + self._duplicates()
        repeats = count // 12
        regular = count - len(plans) - repeats
        channels = _covering(rng, CHANNEL_WEIGHTS, regular)
        for target, channel in zip(_covering(rng, STATUS_WEIGHTS, regular), channels, strict=True):
            plans.append(self.complaint(target=target, channel=channel))
        # Repeat and returning customers: the same person again, mostly about the same thing.
        earlier = [p for p in plans if not p.customer.anonymous and p.target != S.CANCELLED and p.scope == "individual"]
        for _ in range(repeats):
            first = rng.choice(earlier)
            at = first.received_at + timedelta(days=rng.uniform(2, 25), minutes=rng.randrange(600))
            if at > self.now - timedelta(hours=1):
                at = self.now - timedelta(minutes=rng.uniform(30, 600))
            same = rng.random() < 0.75
            story = first.story if same else rng.choice(texts.STORIES)
            p = self.complaint(target=self.status_for_age((self.now - at).total_seconds() / 86400), story=story,
                               customer=first.customer, received_at=at.replace(microsecond=0))
            p.repeat = same and at > first.received_at
            plans.append(p)
        # A few arrive unclassified (web form, e-mail) and are classified by whoever gets them.
        for p in plans:
            if (not p.repeat and not p.duplicate and p.scope == "individual"
                    and p.channel in (Channel.WEB, Channel.EMAIL)):
                p.classify_later = rng.random() < 0.25
        plans.sort(key=lambda p: p.received_at)
        return plans
