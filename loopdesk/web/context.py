"""Template context every staff page needs for its navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from loopdesk.complaints.access import can_register
from loopdesk.web import clocks


def desk(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the count does not pay for it.
    return {"desk_can_register": can_register(user),
            "desk_unread": SimpleLazyObject(lambda: {"n": clocks.unread_count(user)})}
