"""The one task the queue knows: run a Job by its id. Every backend (database, Redis/RQ,
immediate) carries only this id, so the Job row stays the single record of the work."""

from django_tasks import task


@task()
def execute(job_id: str) -> None:
    from apps.jobs.runner import run

    run(job_id)
