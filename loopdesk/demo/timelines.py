"""Writing each planned complaint's life through the real domain actions, on a moved clock.

Nothing here sets complaint state itself: every step is a call into loopdesk.complaints
(register_complaint, accept, resolve, verify…), made while the demo clock shows the step's time,
so numbers, timestamps and timeline events come out exactly as if it had happened then.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from loopdesk.accounts.models import User
from loopdesk.classification.defaults import TAXONOMY
from loopdesk.complaints import actions, surveys
from loopdesk.complaints.intake import IntakeInput, register_complaint
from loopdesk.complaints.models import Channel, Complaint, Status
from loopdesk.core import config
from loopdesk.demo import texts
from loopdesk.demo.articles import use_suggested
from loopdesk.demo.clock import DemoClock
from loopdesk.demo.plans import Plan

S = Status
ROOT_OF = {sub: root for root, _zh, _en, subs in TAXONOMY for sub, _szh, _sen in subs} | {
    root: root for root, *_rest in TAXONOMY
}
# Urgent complaints move faster: gaps between steps are scaled by priority.
PACE = {"A": 0.3, "B": 0.6, "C": 1.0}
Step = tuple[float, Callable[[], object]]


class Writer:
    """Writes plans one after another; remembers each customer's latest complaint number."""

    def __init__(self, *, users: dict[str, User], clock: DemoClock, rng: random.Random, now: datetime) -> None:
        self.users = users
        self.by_id = {u.pk: u for u in users.values()}
        self.clock = clock
        self.rng = rng
        self.now = now
        self.latest_by_phone: dict[str, str] = {}
        # Its own generator: whether an article is used changes nothing else that is drawn.
        self.kb_rng = random.Random(rng.getrandbits(32))
        # (narrative.DUPLICATES kind, number) of each second registration of one customer's trouble.
        self.duplicates: list[tuple[str, str]] = []

    def user(self, username: str) -> User:
        return self.users[username]

    def write(self, plan: Plan) -> Complaint:
        rng = self.rng
        delay = {Channel.WEB: 0, Channel.PHONE: rng.uniform(0.5, 12), Channel.CHAT: rng.uniform(1, 20),
                 Channel.EMAIL: rng.uniform(10, 300), Channel.API: 0}.get(plan.channel, rng.uniform(15, 600))
        registered_at = min(plan.received_at + timedelta(minutes=delay), self.now - timedelta(minutes=2))
        self.clock.set(registered_at)
        story = plan.story
        description = plan.text(story.description)
        if plan.repeat:
            description = rng.choice(texts.REPEAT_OPENINGS) + description
        if plan.risk == "high":
            description += rng.choice(texts.HIGH_RISK_TAILS)
        elif plan.risk == "medium":
            description += rng.choice(texts.MEDIUM_RISK_TAILS)
        if plan.severity == "urgent":
            description += rng.choice(texts.EMOTION_TAILS)
        kind, _lo, hi = story.compensation or ("", 0, 0)
        data = IntakeInput(
            channel=plan.channel, channel_ref=plan.channel_ref, customer=plan.customer,
            received_at=plan.received_at, subject=plan.text(story.subject)[:200], description=description,
            facts=plan.text(story.facts), core_demand=plan.text(story.demand), order_no=plan.fill["order_no"],
            product=plan.fill["product"] if story.products else "",
            compensation_kind=kind, compensation_amount=Decimal(plan.fill["amount"]) if hi else None,
            problem_type="" if plan.classify_later else story.type_code, nature=story.nature,
            severity=plan.severity, scope=plan.scope, risk=plan.risk,
            expected_resolution_at=plan.received_at + timedelta(days=rng.choice((1, 3, 7))),
        )
        registrar = None if plan.channel == Channel.WEB else self.user(rng.choice(("agent", "agent2")))
        complaint = register_complaint(data, actor=registrar).complaint
        if plan.duplicate:
            self.duplicates.append((plan.duplicate, complaint.number))
        run = _Run(self, plan, complaint)
        self._play(run.steps(), start=registered_at, pace=PACE.get(complaint.priority, 1.0))
        if plan.customer.phone:
            self.latest_by_phone[plan.customer.phone] = complaint.number
        return complaint

    def _play(self, steps: list[Step], *, start: datetime, pace: float) -> None:
        gaps = [minutes * pace for minutes, _fn in steps]
        # Keep every step in the past: squeeze the timeline if the complaint is young.
        limit = self.now - timedelta(minutes=self.rng.uniform(1, 20))
        room = (limit - start).total_seconds() / 60
        total = sum(gaps)
        if total > room:
            gaps = [g * max(room, 0) / total for g in gaps]
        at = start
        for i, (gap, (_minutes, fn)) in enumerate(zip(gaps, steps, strict=True)):
            at = self._office_hours(at + timedelta(minutes=gap), latest=limit - timedelta(minutes=sum(gaps[i + 1:])))
            self.clock.set(at)
            fn()

    def _office_hours(self, at: datetime, *, latest: datetime) -> datetime:
        """Staff work 08:30–21:00: a step that would fall in the night happens next morning, if time allows."""
        local = timezone.localtime(at)
        if 8 <= local.hour < 21 and not (local.hour == 8 and local.minute < 30):
            return at
        morning = local.replace(hour=8, minute=30, second=0, microsecond=0)
        if local.hour >= 21:
            morning += timedelta(days=1)
        morning += timedelta(minutes=self.rng.uniform(0, 180))
        return morning if morning <= latest else at


class _Run:
    """The steps of one complaint, chosen from its plan; each step calls one domain action."""

    def __init__(self, writer: Writer, plan: Plan, complaint: Complaint) -> None:
        self.w = writer
        self.rng = writer.rng
        self.plan = plan
        self.number = complaint.number
        # Followed here rather than re-read: only routing, reclassification and handover change it.
        self.owner_id = complaint.owner_id
        self.root = ROOT_OF.get(plan.story.type_code, "other")
        self.phrases = texts.PHRASES.get(self.root, texts.PHRASES["default"])
        self.amount = Decimal(plan.fill["amount"]) if plan.story.compensation and plan.story.compensation[2] else 0

    # --- helpers -----------------------------------------------------------------------------

    def complaint(self) -> Complaint:
        return Complaint.objects.select_related("owner").get(number=self.number)

    def owner(self) -> User:
        if self.owner_id is None:
            return self.w.user("supervisor")
        return self.w.by_id.get(self.owner_id) or User.objects.get(pk=self.owner_id)

    def peers(self, owner: User) -> list[User]:
        return [u for u in self.w.users.values()
                if u.department_id == owner.department_id and u.role == owner.role and u.pk != owner.pk]

    # --- actions -----------------------------------------------------------------------------

    def classify(self) -> None:
        c = actions.reclassify(self.number, actor=self.owner(), changes={"problem_type": self.plan.story.type_code},
                               note="根据客户描述补充问题分类")
        self.owner_id = c.owner_id

    def accept(self) -> None:
        actions.accept(self.number, actor=self.owner())

    def start(self) -> None:
        actions.start(self.number, actor=self.owner())

    def first_contact(self) -> None:
        actions.log_communication(
            self.number, actor=self.owner(), channel=self.rng.choice(("phone", "phone", "sms", "wechat", "email")),
            direction="out", summary=self.plan.text(self.phrases.first_contact),
            customer_reaction=self.rng.choice(texts.CUSTOMER_REACTIONS), next_step="按承诺时间反馈处理进展",
        )
        use_suggested(self.number, self.owner(), self.w.kb_rng)

    def customer_calls(self) -> None:
        actions.log_communication(self.number, actor=self.w.user("agent"), channel="phone", direction="in",
                                  summary=self.rng.choice(texts.FOLLOW_UPS),
                                  customer_reaction=self.rng.choice(texts.CUSTOMER_REACTIONS))

    def note(self, text: str | None = None, actor: User | None = None) -> None:
        next_step = self.rng.choice(("明天上午前回电客户告知进展", "跟进处理结果并更新记录", "确认配件到货并预约上门"))
        due = timezone.now() + timedelta(hours=self.rng.choice((4, 24, 48)))
        actions.add_note(self.number, actor=actor or self.owner(), text=text or self.rng.choice(self.phrases.notes),
                         next_step=next_step, next_step_due=due)

    def handover(self) -> None:
        owner = self.owner()
        if self.root in ("product_function", "product_quality") and self.rng.random() < 0.5:
            to, reason = self.w.user("handler.quality"), self.phrases.handover_reason
        elif self.peers(owner):
            to, reason = self.rng.choice(self.peers(owner)), "原责任人休假，转同事继续跟进，已附完整处理记录"
        else:
            return
        if to.pk != owner.pk:
            self.owner_id = actions.handover(self.number, actor=owner, to_user_id=to.pk, reason=reason).owner_id

    def co_handler(self) -> None:
        helper = self.w.user("handler.hr" if self.root == "service_attitude" else "handler.finance")
        if helper.pk == self.owner_id:
            return
        actions.add_co_handler(self.number, actor=self.owner(), user_id=helper.pk)
        if helper.username == "handler.hr":
            text = "已与当事员工面谈，确认服务过程存在问题"
        else:
            text = "财务已确认退款流水，可原路退回"
        self.note(text, actor=helper)

    def subtask(self) -> None:
        owner = self.owner()
        helper = {"product_function": "handler.quality", "product_quality": "handler.quality",
                  "after_sales": "handler.finance", "billing": "handler.finance",
                  "service_attitude": "handler.hr"}.get(self.root)
        people = [self.w.user(helper)] if helper else self.peers(owner)
        people = [u for u in people if u.pk != owner.pk]
        if not people:
            return
        title, result = self.phrases.subtask
        task = actions.add_subtask(self.number, actor=owner, title=title, owner_id=people[0].pk,
                                   due_at=timezone.now() + timedelta(days=1))
        self._subtask = (task.pk, people[0], result)

    def finish_subtask(self) -> None:
        if getattr(self, "_subtask", None):
            pk, who, result = self._subtask
            actions.complete_subtask(self.number, pk, actor=who, result=result)

    def wait(self) -> None:
        actions.wait_customer(self.number, actor=self.owner(), reason=self.phrases.wait_reason)

    def customer_replies(self) -> None:
        actions.log_communication(self.number, actor=self.owner(), channel="wechat", direction="in",
                                  summary=self.phrases.customer_reply)

    def resume(self) -> None:
        actions.resume(self.number, actor=self.owner(), note=self.phrases.customer_reply)

    def override(self) -> None:
        c = self.complaint()
        if c.priority != "A":
            actions.override_priority(self.number, actor=self.w.user("supervisor"),
                                      priority="A" if c.priority == "B" else "B",
                                      reason="客户多次来电且情绪激动，主管决定提级处理")

    def escalate(self) -> None:
        if self.plan.risk == "high":
            actions.escalate(self.number, actor=self.owner(), to_level=2, customer_told=True,
                             reason="客户提及投诉监管部门或媒体，高风险，按规定直接上报经理")
        else:
            actions.escalate(self.number, actor=self.w.user("monitor"), customer_told=True,
                             reason="处理进度滞后，超过24小时无实质进展，提请主管督办")

    def change_demand(self) -> None:
        actions.change_demand(self.number, actor=self.w.user("agent"), new_demand="客户同意改为换新处理，不再要求退款",
                              confirmation="客户电话确认，通话录音已存档",
                              new_expected_at=timezone.now() + timedelta(days=3))

    def propose(self, amount: Decimal | None = None) -> None:
        kind = self.plan.story.compensation[0] if self.plan.story.compensation else "none"
        amount = self.amount if amount is None else amount
        if amount and kind in ("repair", "replacement", "other"):
            kind = "cash"
        actions.propose_solution(self.number, actor=self.owner(), measures=self.plan.text(self.plan.story.measures),
                                 compensation_kind=kind,
                                 compensation_amount=Decimal(amount))

    def approve(self, ok: bool = True) -> None:
        actions.approve_solution(self.number, actor=self.w.user("supervisor"), approve=ok,
                                 note="" if ok else texts.REJECT_APPROVAL_NOTES[0])

    def respond(self, response: str = "accepted") -> None:
        comment = {"accepted": "客户接受方案", "partial": "客户基本接受，希望尽快落实",
                   "rejected": "客户认为补偿不足，不接受"}[response]
        actions.record_response(self.number, actor=self.owner(), response=response, comment=comment)

    def resolve(self, again: bool = False) -> None:
        summary = self.plan.text(self.plan.story.resolution)
        actions.resolve(self.number, actor=self.owner(), summary=("二次处理：" if again else "") + summary)

    def callback(self) -> None:
        actions.request_callback(self.number, actor=self.w.user("agent"), note="安排回访")

    def rate(self, happy: bool = True) -> None:
        rng = self.rng
        dims = ("response_speed", "result", "attitude", "communication")
        if happy:
            scores = {d: rng.choices((5, 4, 3), weights=(6, 3, 1))[0] for d in dims}
            comment = rng.choice(texts.GOOD_COMMENTS)
        else:
            scores = {d: rng.randint(1, 3) for d in dims} | {"result": rng.randint(1, 2)}
            comment = rng.choice(texts.BAD_COMMENTS)
        token = surveys.current_token(self.complaint()) if rng.random() < 0.3 else None
        if token:
            actions.submit_survey(token, scores=scores, comment=comment)
        else:
            actions.record_satisfaction(self.number, actor=self.w.user(rng.choice(("agent", "agent2"))),
                                        scores=scores, comment=comment)

    def unreachable(self) -> None:
        actions.log_communication(self.number, actor=self.w.user("agent"), channel="phone", direction="out",
                                  summary="回访电话两次未接通，已发送短信告知处理结果")

    def verify(self, passed: bool = True) -> None:
        note = "" if passed else self.rng.choice(texts.VERIFY_FAIL_NOTES)
        actions.verify(self.number, actor=self.w.user("monitor"), passed=passed, note=note,
                       checks={"really_resolved": passed, "promise_kept": passed, "process_compliant": True})

    def reopen(self) -> None:
        actions.reopen(self.number, actor=self.w.user("agent"), reason=self.rng.choice(texts.REOPEN_REASONS))

    def archive(self) -> None:
        actions.archive(self.number, actor=self.w.user("monitor"))

    def cancel(self) -> None:
        reason = self.rng.choice(texts.CANCEL_REASONS)
        duplicate_of = ""
        if reason == "重复登记":
            duplicate_of = self.w.latest_by_phone.get(self.plan.customer.phone, "")
            if not duplicate_of:
                reason = texts.CANCEL_REASONS[0]
        actions.cancel(self.number, actor=self.w.user("supervisor"), reason=reason, duplicate_of=duplicate_of)

    # --- the plan as steps -------------------------------------------------------------------

    def steps(self) -> list[Step]:
        rng, target, out = self.rng, self.plan.target, []

        def add(lo: float, hi: float, fn: Callable[[], object]) -> None:
            out.append((rng.uniform(lo, hi), fn))

        if self.plan.classify_later:
            add(5, 60, self.classify)
        if target == S.NEW:
            return out
        if target == S.CANCELLED and rng.random() < 0.5:
            add(20, 600, self.cancel)
            return out
        # Most are accepted well within the hour; a few only after the acceptance deadline.
        add(*((5, 50) if rng.random() < 0.85 else (70, 300)), self.accept)
        if target == S.ACCEPTED:
            if rng.random() < 0.5:
                add(5, 30, self.first_contact)
            return out
        add(3, 40, self.start)
        add(5, 90, self.first_contact)
        if rng.random() < 0.04:
            add(30, 240, self.override)
        if (self.plan.risk == "high" and rng.random() < 0.6) or rng.random() < 0.03:
            add(20, 240, self.escalate)
        if target == S.CANCELLED:
            add(60, 900, self.cancel)
            return out
        if self.root == "service_attitude" or (self.root == "after_sales" and rng.random() < 0.3):
            add(30, 300, self.co_handler)
        if rng.random() < 0.08:
            add(60, 600, self.handover)
        add(60, 1440, self.note)
        if rng.random() < 0.3:
            add(60, 1440, self.note)
        if rng.random() < 0.18:
            add(20, 120, self.subtask)
            add(240, 2880, self.finish_subtask)
        if rng.random() < 0.1:
            add(30, 600, self.customer_calls)
        if target == S.IN_PROGRESS:
            return out
        if target == S.AWAITING_CUSTOMER or rng.random() < 0.2:
            add(60, 600, self.wait)
            if target == S.AWAITING_CUSTOMER:
                return out
            add(300, 2880, self.customer_replies)
            add(2, 30, self.resume)
        if rng.random() < 0.05 and self.plan.story.compensation and self.plan.story.compensation[0] == "refund":
            add(60, 600, self.change_demand)
        threshold = config.get_decimal("solution.approval_threshold")
        add(120, 2880, self.propose)
        if self.amount > threshold:
            if target == S.SOLUTION_PENDING and rng.random() < 0.5:
                return out
            if rng.random() < 0.15:
                add(30, 240, lambda: self.approve(ok=False))
                add(120, 1440, lambda: self.propose(threshold))
            else:
                add(30, 240, self.approve)
        if target == S.SOLUTION_PENDING:
            return out
        if rng.random() < 0.1:
            add(60, 1440, lambda: self.respond("rejected"))
            add(120, 1440, lambda: self.propose(min(self.amount * Decimal("1.2"), threshold)))
        add(60, 1440, lambda: self.respond(rng.choice(("accepted", "accepted", "accepted", "partial"))))
        add(60, 1440, self.resolve)
        if target == S.RESOLVED:
            return out
        add(30, 600, self.callback)
        if target == S.CALLBACK_PENDING:
            return out
        variant = rng.choice(("dissatisfied", "verify_failed", "again")) if target == S.REOPENED else ""
        if variant == "dissatisfied" or (target in (S.CLOSED, S.ARCHIVED) and rng.random() < 0.12):
            add(120, 2880, lambda: self.rate(happy=False))
            if target == S.REOPENED:
                return out
            # A second round after the customer's dissatisfied rating.
            add(30, 300, self.accept)
            add(5, 60, self.start)
            add(60, 1440, self.note)
            add(120, 2880, lambda: self.resolve(again=True))
            add(30, 600, self.callback)
            add(120, 2880, self.rate)
        elif rng.random() < 0.88:
            add(120, 2880, self.rate)
        else:
            add(120, 2880, self.unreachable)
        if variant == "verify_failed":
            add(240, 2880, lambda: self.verify(passed=False))
            return out
        add(240, 2880, self.verify)
        if variant == "again":
            add(1440, 14400, self.reopen)
        elif target == S.ARCHIVED:
            add(1440, 10080, self.archive)
        return out
