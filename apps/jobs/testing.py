"""Tests only: run what the database queue holds, in this process, until it is empty."""

from __future__ import annotations


def drain(*, max_tasks: int = 1000) -> int:
    """Run every ready task of the database backend (retries that became due included when their
    run_after has passed). Returns the number of tasks run."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < max_tasks:
        result = DBTaskResult.objects.ready().filter(backend_name="default").first()
        if result is None:
            return ran
        result.claim("test")
        worker.run_task(result)
        ran += 1
    return ran
