"""Who may see and change a complaint. The only place that decides; everything else asks here."""

from __future__ import annotations

from django.db.models import BooleanField, Expression, QuerySet
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role, User
from loopdesk.complaints.models import Complaint, SubTask
from loopdesk.complaints.workflow import TRANSITIONS, Transition
from loopdesk.core.errors import Conflict, NotAllowed, NotFound

SEE_ALL = {Role.AGENT, Role.MANAGER, Role.MONITOR, Role.ADMIN}
REVEAL_ROLES = {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def department_ids(user: User) -> set[int]:
    ids = set(user.supervised_departments.values_list("id", flat=True)) if user.role == Role.SUPERVISOR else set()
    if user.department_id:
        ids.add(user.department_id)
    return ids


class _SeenBy(Expression):
    """The scope of a user who does not see everything, as one SQL condition on the complaint's row:
    in one of their departments, or owned, registered, co-handled or with a sub-task by them.

    Written as SQL from model metadata rather than as Q objects: building and compiling those
    (two subqueries) cost about 1.6 ms of CPU on every scoped list or page, several times what the
    database spends on them. It knows the alias of the complaint table in the query it is part of,
    and follows it when that query becomes a subquery, as the ORM's own columns do. The co-handled
    and sub-task complaints are collected by uncorrelated subqueries, which PostgreSQL hashes once
    rather than probing both tables for every complaint looked at (a report's month, a list)."""

    output_field = BooleanField()

    def __init__(self, user_pk: int, departments: tuple[int, ...], alias: str | None = None) -> None:
        super().__init__(output_field=BooleanField())
        self.user_pk, self.departments, self.alias = user_pk, departments, alias

    def __repr__(self) -> str:
        return f"{type(self).__name__}(user={self.user_pk}, departments={self.departments}, alias={self.alias})"

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection):
        qn = compiler.quote_name_unless_alias
        table, meta = qn(self.alias), Complaint._meta

        def col(name: str) -> str:
            return f"{table}.{qn(meta.get_field(name).column)}"

        def ids_of(model, by: str) -> str:  # the complaints of this user in a table keyed by complaint
            m = model._meta
            return (f"{col('id')} IN (SELECT s.{qn(m.get_field('complaint').column)} "  # noqa: S608 - metadata
                    f"FROM {qn(m.db_table)} s WHERE s.{qn(m.get_field(by).column)} = %s)")

        terms, params = [], []
        if self.departments:
            terms.append(f"{col('department')} IN ({', '.join(['%s'] * len(self.departments))})")
            params.extend(self.departments)
        terms += [f"{col('owner')} = %s", f"{col('registered_by')} = %s",
                  ids_of(Complaint.co_handlers.through, "user"), ids_of(SubTask, "owner")]
        params += [self.user_pk] * 4
        return f"({' OR '.join(terms)})", params


def visible_complaints(user: User, qs: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    qs = Complaint.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in SEE_ALL:
        return qs
    # The registrar keeps sight of what they registered (the "registrar" relation grants actions).
    return qs.filter(_SeenBy(user.pk, tuple(sorted(department_ids(user)))))


def access_complaint(user: User, number: str, *, for_update: bool = False) -> Complaint:
    """Fetch a complaint the user may see; unknown and invisible ones are both 'not found'."""
    qs = visible_complaints(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    complaint = qs.select_related("customer", "problem_type", "department", "owner").filter(number=number).first()
    if complaint is None:
        raise NotFound(_("Complaint %(number)s not found.") % {"number": number})
    return complaint


def relations(user: User, complaint: Complaint) -> set[str]:
    rel: set[str] = set()
    if complaint.owner_id == user.pk:
        rel |= {"owner", "worker"}
    elif complaint.co_handlers.filter(pk=user.pk).exists():
        rel.add("worker")
    if complaint.registered_by_id == user.pk:
        rel.add("registrar")
    if complaint.subtasks.filter(owner_id=user.pk, status="open").exists():
        rel.add("subtask_owner")
    return rel


def may(user: User, complaint: Complaint, t: Transition, rel: set[str] | None = None) -> bool:
    if user.role in t.roles:
        return True
    if not t.relations:
        return False
    return bool(t.relations & (relations(user, complaint) if rel is None else rel))


def check_action(user: User, complaint: Complaint, action: str) -> Transition:
    """Raise NotAllowed when the user may never do this, Conflict when the status forbids it now."""
    t = TRANSITIONS[action]
    if not may(user, complaint, t):
        raise NotAllowed(_("You may not %(action)s this complaint.") % {"action": str(t.label).lower()})
    if complaint.status not in t.sources:
        raise Conflict(
            _("Cannot %(action)s a complaint that is %(status)s.")
            % {"action": str(t.label).lower(), "status": complaint.get_status_display()}
        )
    return t


def available_actions(user: User, complaint: Complaint) -> list[Transition]:
    rel = relations(user, complaint)
    return [t for t in TRANSITIONS.values() if complaint.status in t.sources and may(user, complaint, t, rel)]


def may_by_role(user: User, action: str) -> bool:
    """Whether the user's role alone grants the action (e.g. to offer bulk assignment in a list)."""
    return user.is_authenticated and user.role in TRANSITIONS[action].roles


def can_register(user: User) -> bool:
    from loopdesk.complaints.intake import REGISTER_ROLES

    return user.is_authenticated and user.role in REGISTER_ROLES


def can_reveal_contact(user: User, complaint: Complaint) -> bool:
    if user.role in REVEAL_ROLES:
        return True
    return user.role == Role.HANDLER and "worker" in relations(user, complaint)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) < 8:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "****" + digits[-4:]


def mask_email(email: str) -> str:
    if "@" not in email:
        return mask_phone(email)
    local, domain = email.split("@", 1)
    return (local[:1] or "*") + "***@" + domain
