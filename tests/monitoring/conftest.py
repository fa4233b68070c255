from tests.escalation.support import _fast_local_english, _fresh_memo, clock, register  # noqa: F401
from tests.monitoring.support import craft  # noqa: F401
