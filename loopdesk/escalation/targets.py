"""Who takes a complaint at each escalation level: deterministic (lowest id first), never failing.

L1 is a supervisor of the complaint's department (their own or one they supervise), L2 a manager
(of that department first), L3 an administrator. With nobody at a level the next level up takes
it, and with nobody at all the escalation is still recorded and the monitors are alerted.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from loopdesk.accounts.models import Role, User


class Targets:
    """Cached lookups, so a sweep over many complaints asks once per department and level."""

    def __init__(self) -> None:
        self._people: dict[tuple[int, int | None], User | None] = {}
        self._monitors: list[User] | None = None
        self._supervisors: dict[int | None, list[User]] = {}

    def person(self, level: int, department_id: int | None) -> User | None:
        key = (level, department_id)
        if key not in self._people:
            self._people[key] = self._find(level, department_id)
        return self._people[key]

    def _find(self, level: int, department_id: int | None) -> User | None:
        if level <= 0:
            return None
        if level == 1:
            found = self.supervisors(department_id)[:1]
            return found[0] if found else self.person(2, department_id)
        if level == 2:
            managers = User.objects.filter(role=Role.MANAGER, is_active=True).annotate(here=_here(department_id))
            return managers.order_by("here", "id").first() or self.person(3, department_id)
        return (User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
                or User.objects.filter(is_superuser=True, is_active=True).order_by("id").first())

    def supervisors(self, department_id: int | None) -> list[User]:
        if department_id not in self._supervisors:
            people: list[User] = []
            if department_id:
                people = list(User.objects.filter(role=Role.SUPERVISOR, is_active=True)
                              .filter(Q(department_id=department_id) | Q(supervised_departments=department_id))
                              .annotate(here=_here(department_id))
                              .order_by("here", "id").distinct())
            self._supervisors[department_id] = people
        return self._supervisors[department_id]

    def monitors(self) -> list[User]:
        if self._monitors is None:
            self._monitors = list(User.objects.filter(role=Role.MONITOR, is_active=True).order_by("id"))
        return self._monitors


def _here(department_id: int | None) -> Case:
    """0 for people of the department itself, so they come before those who only supervise it."""
    return Case(When(department_id=department_id, then=Value(0)), default=Value(1), output_field=IntegerField())
