"""Monitoring on the demo desk (SPEC §6), through the monitoring app's own scans.

Over the 90 days: the burst scan, every SCAN_HOURS hours as the background loop would have run it
(it writes alerts and notifications, never on a complaint's timeline, so it can run at past
moments). The monitor acknowledges those older alerts shortly after each was raised.

At the demo's now: the background loop's monitor sweep (escalating missed deadlines, alerting on
unaccepted, unassigned, high-risk and overdue complaints, and on overdue improvement actions), a
burst scan and the daily data checks. The monitor acknowledges a few of the fresh alerts and works
the likely-duplicate findings: one corrected with a reason (linked as a repeat, re-verified by the
checks), one dismissed as a false alarm, one left open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Min, Q

from loopdesk.accounts.models import User
from loopdesk.complaints.models import Complaint
from loopdesk.demo import narrative
from loopdesk.demo.agenda import Agenda
from loopdesk.demo.clock import DemoClock
from loopdesk.jobs import work
from loopdesk.monitoring import alerts, burst, checks, corrections
from loopdesk.monitoring.models import Alert, AlertKind, Dimension, Finding, FindingStatus

SCAN_HOURS = 6
# Alerts raised in the last day are still waiting for the monitor.
FRESH = timedelta(days=1)

ACK_BURST_K15 = "已通知质量管理部：K15同批次暂停销售，成立专项小组并建立问题单跟进根因。"
ACK_BURST_OTHER = (
    "已核查：近期订单量上升带来的正常增长，非集中质量问题，已提醒相关部门关注，继续观察。",
    "已与责任部门确认：同一原因引起，已安排专人统一处理并主动告知受影响客户。",
)
ACK_NOW = {
    AlertKind.HIGH_RISK: "已致电客户安抚并核实诉求，督促责任人今天内给出处理方案。",
    AlertKind.UNACCEPTED: "已提醒客服中心当班主管，30分钟内完成受理。",
}
CORRECT_REASON = ("同一客户先来电、后又在官网提交同一诉求，两条记录为同一件事；"
                  "关联为重复投诉，由先登记投诉的责任人统一处理。")
DISMISS_REASON = "已核实：客户两笔不同订单（订单号不同）各自出现同样问题，并非重复登记，两单分别处理。"


def k15_alert(alert: Alert) -> bool:
    story = narrative.story(narrative.K15_LEAK)
    return ((alert.dimension == Dimension.PRODUCT and alert.subject_value in story.products)
            or (alert.dimension == Dimension.TYPE and alert.subject_value == story.type_code))


def scan_history(*, clock: DemoClock, now: datetime) -> None:
    """The burst scans of the past 90 days, oldest first (the rule skips a burst raised within a window)."""
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return
    rule = burst.Rule.from_config()
    # Before this much history the rule has no baseline and raises nothing.
    start = first + burst.MIN_HISTORY_WINDOWS * rule.window
    step = timedelta(hours=SCAN_HOURS)
    moments = []
    t = now - step
    while t > start:
        moments.append(t)
        t -= step
    for t in reversed(moments):
        clock.set(t)
        burst.raise_alerts(t, rule)


def first_k15_alert() -> Alert | None:
    story = narrative.story(narrative.K15_LEAK)
    return (Alert.objects.filter(kind=AlertKind.BURST)
            .filter(Q(dimension=Dimension.PRODUCT, subject_value__in=story.products)
                    | Q(dimension=Dimension.TYPE, subject_value=story.type_code))
            .order_by("created_at", "id").first())


def schedule_acknowledgements(agenda: Agenda) -> None:
    """The monitor acknowledges each older burst alert within the next hour or two."""
    monitor = agenda.user("monitor")
    rng = agenda.rng
    for alert in Alert.objects.filter(kind=AlertKind.BURST, acknowledged_at__isnull=True,
                                      created_at__lt=agenda.now - FRESH).order_by("created_at", "id"):
        note = ACK_BURST_K15 if k15_alert(alert) else rng.choice(ACK_BURST_OTHER)
        at = alert.created_at + timedelta(minutes=rng.uniform(15, 100))
        agenda.at(at, lambda pk=alert.pk, note=note: alerts.acknowledge(pk, actor=monitor, note=note))


def at_now(*, clock: DemoClock, now: datetime, users: dict[str, User], duplicates: list[tuple[str, str]]) -> None:
    """What the background loop does when the desk starts, and the monitor's first round of it."""
    clock.set(now)
    work.sweep()
    burst.raise_alerts(now)
    checks.scan(now=now)
    monitor = users["monitor"]
    for kind, note in ACK_NOW.items():
        waiting = Alert.objects.filter(kind=kind, acknowledged_at__isnull=True).order_by("id")[:2]
        for alert in waiting:
            alerts.acknowledge(alert.pk, actor=monitor, note=note)
    corrected = False
    for kind, number in duplicates:
        finding = Finding.objects.filter(check_name="likely_duplicates", complaint__number=number,
                                         status=FindingStatus.OPEN).first()
        if finding is None:
            continue
        if kind == "other_order":
            corrections.dismiss(finding.pk, actor=monitor, reason=DISMISS_REASON)
        elif not corrected and finding.detail.get("duplicate_of"):
            corrections.correct(finding.pk, actor=monitor, changes={"repeat_of": finding.detail["duplicate_of"]},
                                reason=CORRECT_REASON)
            corrected = True
