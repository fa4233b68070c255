"""The storyline the demo desk has lived through, shared by the planner and the analysis steps.

Four problems run through the 90 days, so problems, improvement actions, knowledge articles and
alerts have real complaints behind them (loopdesk/demo/analysis.py takes them through the
improvement app):

* a batch of 电热水壶 K15 kettles leaks current: a burst of complaints about nine days ago, caught
  by the burst rule, grouped into a problem whose root cause is confirmed and a recall under way;
* 扫地机器人 R7 robots stop mid-clean: complaints for weeks until a firmware fix about five weeks
  ago, after which few customers report it (the improvement action's effect reads that from data);
* double charges by the payment system, fixed about six weeks ago, likewise;
* late parcels keep coming: the problem is still being analysed and its carrier agreement is overdue.

Stories are named by their subject as written in loopdesk/demo/texts.py.
"""

from __future__ import annotations

from loopdesk.demo import texts
from loopdesk.demo.texts import Story

K15_LEAK = "电热水壶底座漏电"
R7_STOPS = "扫地机器人频繁停机"
DOUBLE_CHARGE = "重复扣费"
LATE_PARCEL = "快递延误{days}天未送达"

# The K15 burst: this many complaints, received within BURST_HOURS, about BURST_DAYS_AGO days ago.
BURST_SIZE = (8, 10)
BURST_HOURS = 18
BURST_DAYS_AGO = (8.5, 10.0)
# Below this many complaints the demo has no room for the storyline (burst, recurring, duplicates).
STORYLINE_MIN_COUNT = 40

# Improvement actions (loopdesk/demo/analysis.py): planned, started and done this many days ago.
R7_FIX = (54, 48, 38)
CHARGE_FIX = (66, 58, 46)
LATE_PARCEL_PLANNED = 38
# An action's baseline is measured over the weeks before it is planned, its effect compares the
# weeks before it started with the weeks after it was done.
EVALUATION_WEEKS = 4

# Stories whose cause was fixed this many days ago: afterwards most customers no longer report them.
FIXED = {R7_STOPS: R7_FIX[2], DOUBLE_CHARGE: CHARGE_FIX[2]}
FIXED_SHARE = 0.9  # of the complaints drawn after the fix, this share is redrawn as another story


def _before(planned: float, started: float) -> tuple[float, float]:
    """Days ago inside both the baseline's weeks and the effect's 'before' weeks, a day's margin each side."""
    return planned + 1, started + 7 * EVALUATION_WEEKS - 1


# (story, complaints per 100 (at least 2), received between these many days ago) on top of the
# random draw, so each action has a baseline and an effect to measure even in a small demo.
RECURRING = (
    (R7_STOPS, 4, _before(R7_FIX[0], R7_FIX[1])),
    (DOUBLE_CHARGE, 3, _before(CHARGE_FIX[0], CHARGE_FIX[1])),
    (LATE_PARCEL, 2, _before(LATE_PARCEL_PLANNED, LATE_PARCEL_PLANNED)),
)

# The same customer registered twice within hours (a call, then the web form): the daily data check
# flags the second as a likely duplicate. (kind, story, days ago) with kind "same": one request
# registered twice (corrected: linked as a repeat, or left open) or "other_order": a second order
# with the same trouble (dismissed as a false alarm).
DUPLICATES = (("same", "退款未到账", 6.0), ("other_order", "快递延误{days}天未送达", 4.0),
              ("same", "送修{days}天还没修好", 2.0))


def story(subject: str) -> Story:
    return next(s for s in texts.STORIES if s.subject == subject)
