"""Problems, root causes and improvement actions of the demo desk (SPEC §7).

Each problem groups the demo complaints of one type (and product) whose subject names the same
trouble, and is taken through loopdesk.improvement as a team would: opened, complaints linked as
they come, 5W1H and fishbone recorded, root cause confirmed, SMART actions planned, started and
completed, the problem closed once its action has worked. Every step is put on the agenda at its
own moment; baselines are measured from the demo data when an action is planned, and the effect of
a done action is read from the data by loopdesk.improvement.metrics like any other.

A problem whose title already exists is left alone (a second run adds none twice); one with fewer
than MIN_COMPLAINTS matching complaints (a small demo) is not opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from loopdesk.accounts.models import Department
from loopdesk.complaints.models import Complaint, Status
from loopdesk.demo import articles
from loopdesk.demo.agenda import Agenda
from loopdesk.demo.narrative import CHARGE_FIX, EVALUATION_WEEKS, LATE_PARCEL_PLANNED, R7_FIX
from loopdesk.improvement import measures, metrics, problems
from loopdesk.improvement.models import ImprovementAction, Metric, Problem
from loopdesk.knowledge import suggest
from loopdesk.knowledge.models import Article, ArticleStatus

MIN_COMPLAINTS = 2
M = Metric


@dataclass(frozen=True)
class ActionSpec:
    measure: str
    metric: str
    owner: str
    department: str
    # Days after the problem's anchor (negative: before it).
    planned: float
    due: float
    started: float | None = None
    completed: float | None = None
    result: str = ""
    # Target: the baseline times this factor (fewer complaints), or plus this many points (rates).
    factor: str = "0.4"
    points: str = "15"


@dataclass(frozen=True)
class ProblemSpec:
    title: str
    description: str
    problem_type: str
    product: str
    subjects: tuple[str, ...]
    creator: str
    owner: str
    opened: float
    analysed: float
    five_w: dict[str, str]
    causes: tuple[tuple[str, str], ...]
    root_cause: str = ""
    confirmed: float | None = None
    closed: float | None = None
    actions: tuple[ActionSpec, ...] = ()
    # Knowledge article written once the root cause is confirmed, used on the problem's open complaints.
    article: articles.Spec | None = None
    # "now": offsets are days from the demo's now; "burst": from the burst alert that revealed it.
    anchor: str = "now"


K15 = ProblemSpec(
    title="电热水壶 K15 底座漏电（2407 批次集中投诉）",
    description="监控发现24小时内电热水壶K15底座漏电投诉集中出现（突增预警），多地客户反映手碰壶身发麻，"
                "个别家庭漏电保护器跳闸，存在触电风险，需立即查明原因并处置同批次产品。",
    problem_type="safety_hazard", product="电热水壶 K15", subjects=("底座漏电",),
    creator="monitor", owner="handler.quality", anchor="burst",
    opened=0.05, analysed=1.5, confirmed=3.5,
    five_w={
        "what": "电热水壶K15通电烧水时底座及壶身带电，客户触碰有发麻感；个别客户家中漏电保护器跳闸。",
        "why": "底座内绝缘片与发热盘之间电气间隙不足，潮湿环境下发生爬电，导致外壳带电（检测结论见根因）。",
        "when": "集中出现在2407批次到货后第3–4周；多发生在烧水过程中或刚烧开时，阴雨天更明显。",
        "where": "各地均有，华东、华南潮湿地区较多；均为官方商城和天猫渠道售出的2407批次产品。",
        "who": "购买2407批次K15的客户（约4,800台）；绝缘片为新引入供应商供货；总装B线装配。",
        "how": "客户触碰壶身金属部位时有麻电感；质量管理部对回收的12台样机做1,250V耐压测试，5台未通过。",
    },
    causes=(
        ("man", "总装B线新员工未按作业指导书压装绝缘片，装配后未自检"),
        ("machine", "绝缘片压装工装定位销磨损，压装位置偏移约1mm"),
        ("material", "新供应商绝缘片厚度仅0.3mm，低于图纸要求的0.5mm"),
        ("method", "来料检验未抽检绝缘片厚度和耐压；出厂耐压测试为抽检而非全检"),
        ("environment", "梅雨季车间湿度高达85%，绝缘片存放受潮"),
    ),
    root_cause="2407批次底座绝缘片由新供应商供货，厚度仅0.3mm（图纸要求0.5mm），且B线压装工装定位销磨损导致装配偏移，"
               "电气间隙不足；出厂耐压测试只做抽检，未能拦截。潮湿环境下发生爬电，外壳带电。",
    actions=(
        ActionSpec("召回2407批次全部K15（约4,800台）：客户可选全额退款或换新，免费上门回收；各销售渠道同步下架该批次",
                   M.WEEKLY_COMPLAINTS, "handler.aftersales", "aftersales", planned=3.6, due=17.0, started=3.7,
                   factor="0.2"),
        ActionSpec("K15出厂耐压测试由抽检改为100%全检（1,250V/3s）；绝缘片来料每批抽检厚度与耐压；更换压装工装定位销",
                   M.WEEKLY_COMPLAINTS, "handler.quality", "quality", planned=3.8, due=30.0, factor="0.2"),
    ),
    article=articles.K15_RECALL,
)

R7 = ProblemSpec(
    title="扫地机器人 R7 清扫中频繁停机、误报主刷缠绕",
    description="R7用户反映清扫途中频繁停机，App提示“主刷被缠绕”，检查并无缠绕物，重启后问题依旧；"
                "客服多按配件故障处理，反复寄送主刷，客户不满。",
    problem_type="feature_fault", product="扫地机器人 R7", subjects=("频繁停机",),
    creator="supervisor", owner="handler.tech", opened=-66, analysed=-62, confirmed=-56, closed=-4,
    five_w={
        "what": "R7在清扫途中突然停机，App提示“主刷被缠绕”，实际主刷无缠绕；重启后运行几分钟再次停机。",
        "why": "主刷电机电流超过保护阈值即判定为缠绕；阈值偏低，地毯等阻力大的地面上正常电流也会触发。",
        "when": "固件2.8.4推送后开始集中出现，多在清扫地毯、长绒地垫时发生。",
        "where": "铺有地毯或长绒地垫的家庭；各地区均有，与地区无关。",
        "who": "已升级固件2.8.4的R7用户；固件由技术支持部嵌入式组发布。",
        "how": "设备日志显示停机前主刷电流约0.9A，高于2.8.4设定的0.8A阈值（2.8.3为1.2A）；"
               "同一台设备降回2.8.3后不再停机。",
    },
    causes=(
        ("machine", "固件2.8.4将主刷过流保护阈值由1.2A下调至0.8A"),
        ("method", "固件发布前的回归测试未覆盖地毯、长绒地垫等高阻力地面"),
        ("man", "一线客服不了解固件变更，按主刷故障处理，反复寄送配件"),
        ("material", "部分批次主刷轴承阻力偏大，使工作电流进一步升高"),
        ("environment", "入秋后家庭铺设地毯增多"),
    ),
    root_cause="固件2.8.4为降低电机发热，将主刷过流保护阈值由1.2A下调至0.8A；在地毯等高阻力地面上正常工作电流即超过阈值，"
               "被误判为主刷缠绕而停机。发布前的回归测试未覆盖该场景。",
    actions=(
        ActionSpec("发布固件2.9.0：主刷过流阈值恢复为1.2A并增加持续3秒判定；向全部R7设备OTA推送；知识库同步更新处理口径",
                   M.WEEKLY_COMPLAINTS, "handler.tech", "tech", planned=-R7_FIX[0], due=-30,
                   started=-R7_FIX[1], completed=-R7_FIX[2],
                   result="固件2.9.0已OTA全量推送，完成时升级率92%；"
                          "知识库文章《扫地机器人 R7 频繁停机、提示主刷被缠绕》已发布，一线按新口径远程升级处理。",
                   factor="0.3"),
    ),
)

DELIVERY = ProblemSpec(
    title="快递延误：分拨中心滞留、次日达承诺未兑现",
    description="快递延误类投诉持续偏高：包裹在分拨中心滞留多日，页面承诺的次日达未能兑现，客户联系承运商无人接听，"
                "多次催促后升级投诉。",
    problem_type="delivery_delay", product="", subjects=("快递延误", "次日达", "滞留"),
    creator="supervisor", owner="handler", opened=-40, analysed=-33,
    five_w={
        "what": "包裹发货后在分拨中心滞留3–10天；显示次日达的订单实际2–4天送达；客户联系承运商电话无人接听。",
        "why": "初步判断为大促期间承运商运力不足，以及仓库截单时间晚于干线发车要求；仍在与承运商核实。",
        "when": "大促后两周内最集中；工作日16:00后下单的次日达订单延误比例最高。",
        "where": "集中在成都、武汉、重庆等中转分拨中心，华东仓发往西南方向的线路。",
        "who": "中通、韵达的部分线路；仓库出库班组；物流协调部负责承运商对接。",
        "how": "物流轨迹长时间停在“到达分拨中心”；次日达订单因出库晚一天错过干线发车。",
    },
    causes=(
        ("man", "物流协调部仅1人对接承运商，滞留异常无人每日跟踪"),
        ("machine", "物流系统没有滞留超时预警，靠客户投诉才发现"),
        ("material", "大促期间包装材料短缺，仓库打包延误"),
        ("method", "仓库16:00截单晚于干线发车要求，次日达承诺与实际时效不匹配"),
        ("environment", "大促叠加西南地区持续降雨，干线运输受影响"),
    ),
    actions=(
        ActionSpec("与中通、韵达签订时效补充协议：分拨中心滞留超过48小时自动预警，超过72小时由我方切换备用承运商重新发货",
                   M.WEEKLY_COMPLAINTS, "handler", "logistics", planned=-LATE_PARCEL_PLANNED, due=-10, started=-30,
                   factor="0.5"),
        ActionSpec("仓库截单时间由16:00提前至14:00；14:00后下单的商品页不再显示“次日达”",
                   M.ON_TIME_RESOLUTION_RATE, "handler.logistics2", "logistics", planned=-20, due=14, points="15"),
    ),
)

DOUBLE_CHARGE = ProblemSpec(
    title="支付重复扣费：同一订单被扣款两次",
    description="多位客户反映同一订单银行卡被扣款两次，只能逐笔转财务人工核实退款，客户不满情绪明显。",
    problem_type="wrong_charge", product="", subjects=("重复扣费",),
    creator="manager", owner="handler.finance", opened=-78, analysed=-75, confirmed=-70,
    five_w={
        "what": "同一订单在支付渠道出现两笔成功扣款，订单系统只记录了一笔。",
        "why": "支付渠道回调超时后，订单系统自动重新发起扣款，未校验该订单是否已支付成功。",
        "when": "晚间20–22点支付高峰、渠道回调延迟超过5秒时发生。",
        "where": "银行卡快捷支付渠道；App和小程序下单均有。",
        "who": "使用银行卡快捷支付的客户；订单系统由技术支持部维护，退款由财务部处理。",
        "how": "支付流水显示两笔扣款间隔5–8秒，第二笔由系统自动重试发起。",
    },
    causes=(
        ("machine", "订单支付接口超时重试未做幂等校验"),
        ("method", "每日对账只核对汇总金额，未逐笔核对每个订单的扣款笔数"),
        ("man", "客服不了解重复扣款的成因，只能逐单转财务核实"),
        ("material", "支付渠道回调接口文档未说明高峰期的延迟情况"),
        ("environment", "晚高峰支付渠道回调延迟"),
    ),
    root_cause="订单系统在支付渠道回调超时（5秒）后自动重新发起扣款，接口没有以订单号做幂等校验；晚高峰回调延迟时同一订单"
               "被扣款两次。每日对账只核对汇总金额，未能及时发现。",
    actions=(
        ActionSpec("支付接口以订单号为幂等键，回调超时先查询支付结果再决定是否重试；上线逐笔自动对账，发现重复扣款当日自动原路退款",
                   M.WEEKLY_COMPLAINTS, "handler.tech2", "tech", planned=-CHARGE_FIX[0], due=-40,
                   started=-CHARGE_FIX[1], completed=-CHARGE_FIX[2],
                   result="幂等校验和逐笔自动对账已上线；上线后对账发现的3笔重复扣款均在当日自动退款，客户无需来电。",
                   factor="0.3"),
    ),
)

PROBLEMS = (K15, R7, DELIVERY, DOUBLE_CHARGE)


def matching(spec: ProblemSpec) -> QuerySet[Complaint]:
    """The complaints of the problem not grouped yet: its type (and product), a subject naming it."""
    subject = Q()
    for s in spec.subjects:
        subject |= Q(subject__contains=s)
    qs = (Complaint.objects.filter(subject, problem_type__code=spec.problem_type)
          .exclude(status=Status.CANCELLED).exclude(problem_links__isnull=False))
    if spec.product:
        qs = qs.filter(product=spec.product)
    return qs.order_by("received_at", "id")


def _target(metric: str, baseline: Decimal, spec: ActionSpec) -> Decimal | None:
    """An ambitious target the planner would set, or None when the data leaves no room for one."""
    if metric in metrics.LOWER_IS_BETTER:
        target = (baseline * Decimal(spec.factor)).quantize(metrics.CENT, ROUND_DOWN)
        return target if target < baseline else None
    target = min(Decimal(100), baseline + Decimal(spec.points))
    return target if target > baseline else None


class Plotter:
    """Puts one problem's life on the agenda."""

    def __init__(self, agenda: Agenda, spec: ProblemSpec, anchor: datetime) -> None:
        self.agenda = agenda
        self.spec = spec
        self.anchor = anchor
        self.problem: Problem | None = None
        self.actions: dict[int, ImprovementAction] = {}

    def when(self, offset: float) -> datetime:
        return min(self.anchor + timedelta(days=offset), self.agenda.latest())

    def schedule(self) -> bool:
        spec, agenda = self.spec, self.agenda
        complaints = list(matching(spec).only("id", "number", "owner_id", "status"))
        if len(complaints) < MIN_COMPLAINTS:
            return False
        agenda.read_last_events(c.pk for c in complaints)
        opened = self.when(spec.opened)
        end = self.when(spec.closed) if spec.closed is not None else agenda.latest()
        at_opening, later = [], []
        for c in complaints:
            last = agenda.last_event(c.pk)
            if last is not None and last <= opened:
                at_opening.append(c.number)
                continue
            at = agenda.after_timeline(c.pk, opened, minutes=(30, 24 * 60))
            if at is not None and at <= end:
                later.append((at, c.number))
        if len(at_opening) + len(later) < MIN_COMPLAINTS:
            return False
        agenda.at(opened, lambda: self.open(at_opening))
        for at, number in later:
            agenda.at(at, lambda number=number: self.link(number))
        agenda.at(self.when(spec.analysed), self.analyse)
        if spec.confirmed is not None:
            agenda.at(self.when(spec.confirmed), self.confirm)
        for i, a in enumerate(spec.actions):
            agenda.at(self.when(a.planned), lambda i=i, a=a: self.plan(i, a))
            if a.started is not None:
                agenda.at(self.when(a.started), lambda i=i: self.start(i))
            if a.completed is not None:
                agenda.at(self.when(a.completed), lambda i=i, a=a: self.complete(i, a))
        if spec.closed is not None:
            agenda.at(end, self.close)
        if spec.article is not None and spec.confirmed is not None:
            self.schedule_article(complaints, self.when(spec.confirmed))
        return True

    def schedule_article(self, complaints: list[Complaint], confirmed: datetime) -> None:
        """The team writes the new handling script once the cause is known; handlers then use it on
        every complaint of the problem still being handled."""
        spec, users = self.spec.article, self.agenda.users
        published = confirmed + timedelta(hours=5)
        self.agenda.at(confirmed + timedelta(hours=3), lambda: articles.write(spec, users=users))
        self.agenda.at(published, lambda: articles.publish(spec, users=users))
        for c in complaints:
            if c.status not in suggest.USABLE or c.owner_id is None:
                continue
            at = self.agenda.after_timeline(c.pk, published, minutes=(20, 8 * 60))
            if at is not None:
                self.agenda.at(at, lambda number=c.number: self.use_article(number))

    # --- the steps ------------------------------------------------------------------------

    def user(self, username: str):
        return self.agenda.user(username)

    def open(self, numbers: list[str]) -> None:
        spec = self.spec
        self.problem = problems.create_problem(
            actor=self.user(spec.creator), title=spec.title, description=spec.description,
            problem_type=spec.problem_type, product=spec.product, owner_id=self.user(spec.owner).pk, numbers=numbers)

    def link(self, number: str) -> None:
        problems.link_complaints(self.problem.pk, [number], actor=self.user(self.spec.creator))

    def analyse(self) -> None:
        problems.record_analysis(self.problem.pk, actor=self.user(self.spec.creator),
                                 causes=[problems.CauseInput(cat, text) for cat, text in self.spec.causes],
                                 **self.spec.five_w)

    def confirm(self) -> None:
        problems.confirm_root_cause(self.problem.pk, actor=self.user(self.spec.creator),
                                    root_cause=self.spec.root_cause)

    def plan(self, i: int, a: ActionSpec) -> None:
        scope = metrics.Scope(self.problem.problem_type_id, self.problem.product)
        baseline = metrics.baseline(a.metric, scope, EVALUATION_WEEKS)
        target = _target(a.metric, baseline, a)
        if target is None:
            return  # nothing to improve on in this data (a small demo): the action is not planned
        dept = Department.objects.get(code=a.department)
        self.actions[i] = measures.create_action(
            actor=self.user(self.spec.creator), problem_id=self.problem.pk, measure=a.measure, metric=a.metric,
            baseline_value=baseline, target_value=target, owner_id=self.user(a.owner).pk, department_id=dept.pk,
            due_date=timezone.localdate(self.anchor + timedelta(days=a.due)), evaluation_weeks=EVALUATION_WEEKS)

    def start(self, i: int) -> None:
        if i in self.actions:
            action = self.actions[i]
            self.actions[i] = measures.start_action(action.pk, actor=action.owner)

    def complete(self, i: int, a: ActionSpec) -> None:
        if i in self.actions:
            action = self.actions[i]
            self.actions[i] = measures.complete_action(action.pk, actor=action.owner, result=a.result)

    def close(self) -> None:
        problems.close_problem(self.problem.pk, actor=self.user(self.spec.creator))

    def use_article(self, number: str) -> None:
        article = Article.objects.filter(title=self.spec.article.title, status=ArticleStatus.PUBLISHED).first()
        c = Complaint.objects.select_related("owner").get(number=number)
        if article is not None and c.owner is not None:
            suggest.record_use(article.pk, number, actor=c.owner)
