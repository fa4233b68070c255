"""Default taxonomy, priority matrix and keyword rules (SPEC §2), installed by a data migration.

Plain data plus an installer that takes an app registry, so the migration never depends on
today's model code.
"""

from __future__ import annotations

TAXONOMY = [
    ("product_function", "产品功能", "Product features", [
        ("feature_fault", "功能故障/无法使用", "Feature fault / not working"),
        ("feature_missing", "功能缺失", "Missing feature"),
        ("usability", "操作不便", "Hard to use"),
    ]),
    ("product_quality", "产品质量/安全", "Product quality / safety", [
        ("quality_defect", "质量缺陷", "Quality defect"),
        ("safety_hazard", "安全隐患", "Safety hazard"),
        ("not_as_described", "假冒/描述不符", "Counterfeit / not as described"),
    ]),
    ("logistics", "物流配送", "Logistics and delivery", [
        ("delivery_delay", "配送延迟", "Late delivery"),
        ("lost_damaged", "丢件/破损", "Lost or damaged"),
        ("wrong_item", "错发/漏发", "Wrong or missing item"),
    ]),
    ("after_sales", "售后退换", "Returns and after-sales", [
        ("refund", "退款", "Refund"),
        ("return_exchange", "退换货", "Return / exchange"),
        ("repair", "维修", "Repair"),
    ]),
    ("service_attitude", "服务态度", "Service attitude", [
        ("rude", "态度恶劣", "Rude staff"),
        ("unresponsive", "推诿/不回复", "Unresponsive / passing the buck"),
        ("misleading", "误导/承诺未兑现", "Misleading / broken promise"),
    ]),
    ("billing", "账单争议/价格费用", "Billing dispute / pricing", [
        ("wrong_charge", "错误扣费", "Wrong charge"),
        ("price_dispute", "价格争议", "Price dispute"),
        ("invoice", "发票问题", "Invoice"),
    ]),
    ("process", "流程效率", "Process efficiency", [
        ("slow_process", "流程繁琐", "Cumbersome process"),
        ("long_wait", "等待时间过长", "Long waiting time"),
    ]),
    ("suggestion", "建议反馈", "Suggestions", [
        ("product_suggestion", "产品建议", "Product suggestion"),
        ("service_suggestion", "服务建议", "Service suggestion"),
    ]),
    ("other", "其他", "Other", []),
]

# (severity, scope, risk, customer_level, priority): first match wins, "" matches anything.
PRIORITY_MATRIX = [
    ("urgent", "", "", "", "A"),
    ("", "", "high", "", "A"),
    ("", "systemic", "", "", "A"),
    ("important", "", "", "vip", "A"),
    ("important", "", "", "", "B"),
    ("", "group", "", "", "B"),
    ("", "", "medium", "", "B"),
    ("", "", "", "vip", "B"),
    ("", "", "", "", "C"),
]

KEYWORDS = {
    ("risk", "high"): "监管 12315 12345 媒体 记者 曝光 律师 起诉 法院 投诉到 消协 消费者协会 工商 市场监管 报警 上热搜",
    ("risk", "medium"): "举报 差评 发微博 小红书 抖音 黑猫投诉",
    ("severity", "urgent"): "无法使用 故障 安全 起火 着火 爆炸 漏电 受伤 中毒 冒烟 气死 愤怒 忍无可忍 太过分",
    ("severity", "important"): "多次 反复 一直没 再三 损失 耽误",
    ("problem_type", "feature_fault"): "无法启动 无法使用 打不开 闪退 死机 不能用 报错",
    ("problem_type", "quality_defect"): "质量 坏了 裂了 异响 掉漆 做工",
    ("problem_type", "safety_hazard"): "漏电 起火 着火 爆炸 冒烟 烫伤",
    ("problem_type", "not_as_described"): "假货 描述不符 货不对板 以次充好",
    ("problem_type", "delivery_delay"): "快递 物流 配送 送货 没收到 未收到 迟迟 延迟发货",
    ("problem_type", "lost_damaged"): "破损 丢件 压坏 摔坏",
    ("problem_type", "wrong_item"): "发错 错发 少发 漏发",
    ("problem_type", "refund"): "退款 退钱",
    ("problem_type", "return_exchange"): "退货 换货 退换",
    ("problem_type", "repair"): "维修 保修 上门修",
    ("problem_type", "rude"): "态度 骂人 不耐烦 凶",
    ("problem_type", "unresponsive"): "推诿 不回复 没人管 踢皮球 没人理",
    ("problem_type", "misleading"): "承诺 忽悠 欺骗 误导",
    ("problem_type", "wrong_charge"): "扣费 多扣 乱收费 重复扣款",
    ("problem_type", "price_dispute"): "价格 降价 差价 保价",
    ("problem_type", "invoice"): "发票",
    ("problem_type", "long_wait"): "排队 等了 太慢 等待",
    ("problem_type", "slow_process"): "流程 手续 麻烦 繁琐",
    ("problem_type", "product_suggestion"): "建议 希望增加 能不能增加",
}


def install(apps) -> None:
    ProblemType = apps.get_model("classification", "ProblemType")
    PriorityRule = apps.get_model("classification", "PriorityRule")
    KeywordRule = apps.get_model("classification", "KeywordRule")
    for order, (code, zh, en, children) in enumerate(TAXONOMY, start=1):
        root, _ = ProblemType.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "order": order * 10}
        )
        for sub_order, (sub_code, sub_zh, sub_en) in enumerate(children, start=1):
            ProblemType.objects.get_or_create(
                code=sub_code,
                defaults={"name_zh": sub_zh, "name_en": sub_en, "parent": root, "order": order * 10 + sub_order},
            )
    if not PriorityRule.objects.exists():
        for order, (sev, scope, risk, level, prio) in enumerate(PRIORITY_MATRIX, start=1):
            PriorityRule.objects.create(order=order * 10, severity=sev, scope=scope, risk=risk,
                                        customer_level=level, priority=prio)
    for (field, value), words in KEYWORDS.items():
        for word in words.split():
            KeywordRule.objects.get_or_create(keyword=word, field=field, value=value)
