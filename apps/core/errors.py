"""Domain errors with Chinese messages; views and the API map them to HTTP answers."""


class DomainError(Exception):
    """A rule of the trade refused the action (HTTP 400). The message is shown to the user."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class ConflictError(DomainError):
    """Somebody else changed the object first (HTTP 409): compare-and-set lost."""

    status = 409
    code = "conflict"


class ForbiddenError(DomainError):
    """The user may see the object but not do this to it (HTTP 403)."""

    status = 403
    code = "forbidden"
