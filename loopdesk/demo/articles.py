"""The demo knowledge base (SPEC §7): standard scripts (话术) and solutions per problem type.

The articles are written and published through loopdesk.knowledge.articles before the complaints,
each at its own moment on the demo clock; handlers then use them while handling (`use_suggested`,
called by the timelines at the first contact with the customer), so usage counts come from real
uses on demo complaints. Articles are matched by title: a second run adds none twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from loopdesk.accounts.models import User
from loopdesk.complaints.models import Complaint
from loopdesk.demo.clock import DemoClock
from loopdesk.demo.narrative import R7_FIX
from loopdesk.knowledge import articles, suggest
from loopdesk.knowledge.models import Article, ArticleStatus

# Share of complaints on which the handler uses a suggested article at the first contact.
USE_SHARE = 0.6
# Types without an article: a supervisor drafts one from a resolved complaint of the first found.
DRAFT_FROM_TYPES = ("invoice", "price_dispute", "unresponsive", "long_wait", "slow_process")


@dataclass(frozen=True)
class Spec:
    title: str
    problem_type: str  # code; "" = general
    keywords: str
    script: str
    solution: str
    author: str
    written_days_ago: float
    # Published by a supervisor or manager this many days ago; None: stays a draft.
    published_days_ago: float | None
    reviewer: str = "manager"


GENERAL = Spec(
    "通用：客户情绪激动时的安抚与致歉话术", "",
    "生气 不满意 太过分 忍无可忍 曝光 12315 律师 差评",
    "您好，非常理解您现在的心情，遇到这样的事情换作是我也会着急。首先代表公司向您诚恳致歉。为了尽快帮您解决，"
    "我想再和您确认几个关键信息……这件事由我全程跟进，我会在今天18点前给您回电告知进展，请您放心。",
    "1. 先倾听，不打断、不争辩；复述客户的核心诉求并请客户确认。\n"
    "2. 明确致歉，但不对尚未核实的责任作出承诺。\n"
    "3. 给出具体的下一步和回复时间，并在投诉单中记录“下一步”及期限。\n"
    "4. 客户提到12315、媒体、律师等字样时，将风险等级标为“高”，按规定2小时内上报主管。\n"
    "5. 挂机后30分钟内补充沟通记录和客户情绪。",
    "supervisor", 96, 95)

ARTICLES: tuple[Spec, ...] = (
    GENERAL,
    Spec("功能故障：设备无法启动或报故障码的排查与上门安排", "feature_fault",
         "无法启动 没反应 指示灯不亮 故障码 E5 不制冷 闪退 远程控制",
         "您好，给您添麻烦了。为了尽快判断问题，麻烦您配合做两个简单检查：第一，换一个插座试试能否通电；第二，"
         "屏幕上如果有故障代码，请告诉我或拍照发给我们。如果仍然无法使用，我们会在48小时内安排工程师上门，"
         "保修期内检测和维修都不收取任何费用。",
         "1. 核对订单与保修状态（购买日期、序列号）。\n"
         "2. 远程排查：供电；故障码对照表（E5＝室内外机通讯故障，E1＝温度传感器故障）；App 与固件版本。\n"
         "3. 无法远程解决的，派单至技术支持部，48小时内上门；空调等季节高峰期当日派单。\n"
         "4. 保修期内同一故障维修两次仍未修复的，按三包规定办理换新。\n"
         "5. 同型号短期内多起同类故障的，转质量管理部复核是否为批次问题。",
         "supervisor", 96, 95),
    Spec("扫地机器人 R7 频繁停机、提示主刷被缠绕", "feature_fault",
         "扫地机器人 R7 停机 主刷 缠绕 固件 2.8.4 2.9.0",
         "您好，您反映的R7清扫途中停机并提示主刷被缠绕，是固件2.8.4在地毯等阻力较大的地面上误报，并不是机器损坏。"
         "我们已发布2.9.0版本修复这个问题，现在就可以远程帮您升级，大约需要10分钟。升级后如果还会停机，"
         "我们免费为您更换主刷组件。",
         "1. 在设备管理后台查询固件版本；低于2.9.0的远程推送升级（App“设备设置—固件升级”）。\n"
         "2. 升级后指导客户清理主刷两端轴承上的毛发，长按回充键5秒重新校准。\n"
         "3. 升级并清理后3天内仍停机的，寄送新主刷组件，运费由我方承担。\n"
         "4. 在投诉单中记录固件版本和处理结果，并归入问题“扫地机器人 R7 频繁停机”。",
         "supervisor", R7_FIX[2] + 1, R7_FIX[2]),
    Spec("安全隐患：漏电、冒烟、燃气爆燃类投诉的应急处理", "safety_hazard",
         "漏电 冒烟 发烫 焦味 爆燃 起火 触电 发麻 安全",
         "您好，您反映的情况涉及用电（用气）安全，请您先立即停止使用、拔掉电源（燃气设备请关闭燃气总阀并开窗通风），"
         "不要再尝试开机。请问您和家人有没有受伤？我们会在4小时内安排专人联系您，上门取回样机检测，检测期间的费用"
         "全部由我们承担，检测结论会第一时间告诉您。",
         "1. 首先确认是否有人受伤；有人身伤害的立即上报经理（L2）并通知质量管理部。\n"
         "2. 风险等级标为“高”、严重程度“紧急”，系统会直接升级到L2。\n"
         "3. 4小时内联系客户，24小时内上门取回样机，送质量管理部检测。\n"
         "4. 检测结论出具前可先行退款或换新；确认为产品缺陷的，按赔偿标准补偿。\n"
         "5. 同一型号48小时内出现3起及以上同类投诉的，立即通知质量管理部评估是否暂停销售。",
         "manager", 96, 95),
    Spec("快递延误：物流停滞时的安抚与加急流程", "delivery_delay",
         "快递 延误 没送到 滞留 次日达 物流不动 转运中心 派送",
         "您好，非常抱歉让您久等了。我这边查到您的包裹目前停在转运中心，已经联系承运商加急处理，预计24小时内为您派送，"
         "快递员会提前电话联系您。如果明天这个时间还没有收到，您不用再来电，我们会主动联系您并为您重新发货。",
         "1. 查询物流轨迹，确认停滞环节：仓库未出库、分拨中心滞留还是末端网点。\n"
         "2. 滞留超过48小时的，联系承运商区域负责人加急，在投诉单中记录承诺送达时间。\n"
         "3. 超过承诺时效的按标准补偿：次日达未达补偿10–50元优惠券；延误超过5天可选择重新发货或退款。\n"
         "4. 同一城市、同一承运商24小时内多起滞留的，上报物流协调部评估切换备用承运商。",
         "supervisor", 96, 95),
    Spec("收货破损或物流显示签收却未收到", "lost_damaged",
         "破损 碎裂 签收 没收到 丢件 代签 开箱 面板",
         "您好，非常抱歉让您收到这样的商品。麻烦您先不要丢弃外包装，拍下商品和包装破损处的照片（有开箱视频更好）发给我们。"
         "核实后我们会优先为您换新发货，和快递公司的理赔由我们来处理，您不需要再跑一趟。",
         "1. 收集开箱视频或照片、外包装照片，记录承运商和运单号。\n"
         "2. 破损：核实后直接安排换新，旧件上门取回，同时向承运商发起理赔。\n"
         "3. 显示签收却未收到：要求承运商提供签收凭证；48小时内查无结果的按丢件处理，重新发货。\n"
         "4. 快递员要求“先签收再说”的，记录网点信息并反馈物流协调部考核。",
         "supervisor", 90, 89),
    Spec("退款未到账：退款进度核查与加急", "refund",
         "退款 没到账 退货 原路退回 银行卡 取消订单",
         "您好，我查到您的退货仓库已经签收，退款单目前在财务审核环节。我已经为您提交加急，审核通过后原路退回，"
         "一般1–3个工作日到账（信用卡可能稍长一些）。到账后我们会短信通知您；如果3个工作日后还没到，直接回复短信即可，"
         "我们会优先处理。",
         "1. 核对退货入库记录和退款单状态（待审核／已退款／退款失败）。\n"
         "2. 待审核超过2个工作日的，提交财务部加急，当日处理。\n"
         "3. 退款失败（银行卡挂失、账户注销等）的，核实身份后改退至客户指定的新账户。\n"
         "4. 退款金额超过审批阈值的，按方案审批流程由主管审批。",
         "manager", 96, 95),
    Spec("保修期内维修收费与维修时效争议", "repair",
         "保修 上门费 维修收费 配件 送修 等配件 备用机",
         "您好，按照我们的保修政策，保修期内上门检测和维修不收取上门费。您支付的费用我们核实后会全额退还，"
         "维修网点的违规收费我们也会按规定处理。给您带来不便，非常抱歉。",
         "1. 核对购买日期和保修条款（整机1年，主要部件3年）。\n"
         "2. 保修期内收取上门费或人工费的，核实后全额退还，并对维修网点记违规一次。\n"
         "3. 因人为损坏不在保修范围的，由网点出具书面说明和照片，客服向客户解释清楚。\n"
         "4. 送修超过7天未修好的提供备用机；超过15天的可按三包规定换新。",
         "supervisor", 88, 87),
    Spec("服务态度投诉：主管致歉与内部处理口径", "rude",
         "态度差 挂电话 不耐烦 骂人 态度恶劣 安装师傅 抽烟",
         "您好，我是客服主管。您反映的情况我们已经调取了通话录音（并与安装网点核实了经过），确实是我们的服务没有做好，"
         "在此郑重向您道歉。当事人员已停岗接受培训，您的意见也会作为案例在全员中通报。为表歉意，我们为您申请了一张"
         "服务补偿券，希望您能再给我们一次机会。",
         "1. 态度类投诉由客服主管直接处理，4小时内致电客户致歉。\n"
         "2. 调取通话录音或与网点核实经过，形成书面记录。\n"
         "3. 确认属实的：当事员工停岗培训，人力资源部记录考核；第三方网点人员列入停派名单。\n"
         "4. 视情节给予50–100元服务补偿券。\n"
         "5. 回访客户，确认是否接受处理结果。",
         "manager", 96, 95),
    Spec("重复扣费、自动续费争议的核实与退款", "wrong_charge",
         "重复扣费 扣了两次 自动续费 乱收费 扣款 银行卡",
         "您好，我们已经在支付系统中核实到这笔订单有两笔扣款，多扣的款项会原路退回，预计3个工作日内到账，"
         "给您带来困扰非常抱歉。如果是会员自动续费的问题，我现在就可以帮您关闭自动续费，并退还本次续费金额。",
         "1. 在支付系统按订单号查询流水，确认扣款笔数、金额和支付渠道。\n"
         "2. 确认重复扣款的，由财务部当日发起原路退款，不需要客户再提供材料。\n"
         "3. 自动续费未提醒的，退还当期费用并关闭自动续费，记录开通渠道。\n"
         "4. 同一时段出现多起重复扣款的，立即通知技术支持部排查支付回调。",
         "manager", 96, 95),
)

# Written and published once the K15 root cause is confirmed, at moments loopdesk/demo/analysis.py sets.
K15_RECALL = Spec(
    "电热水壶 K15 底座漏电：批次召回处理口径", "safety_hazard",
    "电热水壶 K15 漏电 底座 发麻 召回 2407",
    "您好，关于您购买的电热水壶K15底座漏电问题，经质量管理部检测，确认为2407批次底座绝缘片的装配缺陷。"
    "请您立即停止使用。我们会为您全额退款，并在48小时内安排上门回收，您不需要自行寄回。如果您希望换新，"
    "新批次产品已经全部通过耐压检测，可以为您优先发货。",
    "1. 核对订单，确认产品批次：底部铭牌批号以 K15-2407 开头的属于召回范围。\n"
    "2. 为客户办理全额退款或换新（新批次），均免运费，上门回收旧机。\n"
    "3. 回收的旧机统一送质量管理部留样。\n"
    "4. 在投诉单中归入问题“电热水壶 K15 底座漏电”，便于统计召回进度。",
    "manager", 0, None)


def write(spec: Spec, *, users: dict[str, User]) -> Article | None:
    """Write one article now (on the demo clock); None if an article of that title exists."""
    if Article.objects.filter(title=spec.title).exists():
        return None
    return articles.create(articles.ArticleInput(title=spec.title, problem_type=spec.problem_type,
                                                 keywords=spec.keywords, script=spec.script, solution=spec.solution),
                           actor=users[spec.author])


def publish(spec: Spec, *, users: dict[str, User]) -> None:
    """Publish the article of that title if it is still a draft."""
    article = Article.objects.filter(title=spec.title, status=ArticleStatus.DRAFT).order_by("id").first()
    if article is not None:
        articles.publish(article.pk, actor=users[spec.reviewer])


def ensure_articles(*, users: dict[str, User], clock: DemoClock, now: datetime) -> None:
    """The knowledge base the desk started the 90 days with, each article at its own moments."""
    for spec in ARTICLES:
        if Article.objects.filter(title=spec.title).exists():
            continue
        clock.set(now - timedelta(days=spec.written_days_ago))
        write(spec, users=users)
        if spec.published_days_ago is not None:
            clock.set(now - timedelta(days=spec.published_days_ago))
            publish(spec, users=users)


def use_suggested(number: str, actor: User, rng: random.Random) -> None:
    """At the first contact the handler opens the suggestions and, often, uses the top one of the
    complaint's own type (or type family) that was published by then; with an upset customer, the
    general script for calming things down as well."""
    if rng.random() >= USE_SHARE:
        return
    c = Complaint.objects.select_related("problem_type").get(number=number)
    now = timezone.now()
    typed = general = None
    for s in suggest.suggestions(c, limit=5):
        if s.article.published_at is None or s.article.published_at > now:
            continue
        if s.tier <= suggest.TIER_FAMILY and typed is None:
            typed = s.article
        elif s.tier == suggest.TIER_GENERAL and general is None:
            general = s.article
    for article in (typed, general if c.severity == "urgent" else None):
        if article is not None:
            suggest.record_use(article.pk, number, actor=actor)


def draftable_source(problem_type: str, resolved_before: datetime) -> Complaint | None:
    """The most recently resolved complaint of the type that could become an article."""
    return (Complaint.objects.filter(problem_type__code=problem_type, status__in=articles.DRAFTABLE,
                                     resolved_at__lt=resolved_before)
            .exclude(resolution_summary="").order_by("-resolved_at", "-id").first())


def counts() -> dict[str, int]:
    qs = Article.objects.all()
    return {"articles": qs.count(), "published": qs.filter(status=ArticleStatus.PUBLISHED).count(),
            "drafts": qs.filter(status=ArticleStatus.DRAFT).count(),
            "uses": sum(qs.values_list("usage_count", flat=True))}
