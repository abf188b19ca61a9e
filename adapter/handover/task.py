"""The handover Task's life, by the transition table in ``data/task-transitions.json``.

    >>> check_transition(TaskStatus.RECEIVED, TaskStatus.ACCEPTED)       # allowed: returns None
    >>> check_transition(TaskStatus.REJECTED, TaskStatus.COMPLETED)
    Traceback (most recent call last):
    TransitionRefused: ...

:func:`advance_task` moves a stored Task on (e.g. accepted -> completed once the receiving team has
seen the client), refusing moves the table does not allow.
"""

from __future__ import annotations

from adapter.clock import Clock
from adapter.handover.codes import TaskStatus
from adapter.handover.errors import TransitionRefused
from adapter.handover.rules import task_transitions
from adapter.outcome import Issue, OperationOutcome
from adapter.store import Store, TaskState


def transition_issue(current: TaskStatus | None, new: str, expression: str) -> Issue | None:
    """The issue when a Task may not move from ``current`` (None: a new Task) to ``new``, else None."""
    allowed = task_transitions().get(current, frozenset())
    if new in {status.value for status in allowed}:
        return None
    where = "a new handover Task" if current is None else f"a Task that is {current}"
    options = ", ".join(sorted(allowed)) or "nothing: it is final"
    return Issue.error(
        "business-rule",
        "handover.task-transition",
        f"{where} cannot become '{new}' (allowed: {options})",
        expression,
    )


def check_transition(current: TaskStatus | None, new: str, expression: str = "Task.status") -> None:
    """Raise TransitionRefused unless the table allows ``current`` -> ``new``."""
    issue = transition_issue(current, new, expression)
    if issue is not None:
        raise TransitionRefused(OperationOutcome.of([issue]))


def advance_task(
    store: Store, task_id: str, status: TaskStatus, *, reason: str | None = None, clock: Clock
) -> TaskState:
    """Move the stored handover Task ``task_id`` to ``status`` (a rejection needs a reason)."""
    state = store.get_task(task_id)
    if state is None:
        raise TransitionRefused(
            OperationOutcome.of(
                [Issue.error("not-found", "handover.unknown-task", f"no handover Task {task_id}", "Task.id")]
            )
        )
    check_transition(TaskStatus(state.status), status.value)
    if status is TaskStatus.REJECTED and not reason:
        raise TransitionRefused(
            OperationOutcome.of(
                [
                    Issue.error(
                        "required",
                        "handover.reason-required",
                        "a rejection needs a reason",
                        "Task.statusReason",
                    )
                ]
            )
        )
    return store.change_task(
        task_id, expected=state.status, status=status.value, reason=reason, at=clock.now()
    )
