from apps.core.errors import DomainError


class JobError(DomainError):
    """A job failed for a reason the user can act on (bad file, missing data): not retried; the
    message is shown in 我的任务 as it is."""
