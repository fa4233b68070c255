"""Knowledge-base fixtures: the web tests' named users and complaints, a frozen clock, articles.

Every test starts on Monday 2026-11-23 10:00 Shanghai time with the clock stopped.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from loopdesk.knowledge import articles
from loopdesk.knowledge.articles import ArticleInput
from loopdesk.knowledge.models import Article
from tests.web.conftest import _fast_password_hasher, browser, complaint  # noqa: F401 - shared fixtures

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def article(org):
    """article(title=..., problem_type=..., publish=True) → an article written (and published) by sam."""

    def make(title: str = "快递延迟安抚话术", *, problem_type: str = "delivery_delay",
             keywords: str = "快递 物流 没送到", script: str = "非常抱歉您的快递延误了，我们已联系物流加急配送。",
             solution: str = "联系物流加急；超过7天补发。", publish: bool = True, by: str = "sam") -> Article:
        user = org.users[by]
        a = articles.create(ArticleInput(title=title, problem_type=problem_type, keywords=keywords, script=script,
                                         solution=solution), actor=user)
        if publish:
            a = articles.publish(a.pk, actor=user)
        return Article.objects.get(pk=a.pk)

    return make
