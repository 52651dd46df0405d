from django.core.exceptions import ValidationError


class Conflict(Exception):
    """A write lost to a concurrent one or would break a one-at-a-time rule (HTTP 409)."""


def problem_text(error: Exception) -> str:
    """What to tell the person whose change a service refused, as one line."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def form_refusal(form) -> ValidationError:
    """A refused form's errors as the ValidationError a service or the API raises."""
    return ValidationError(
        {
            name: [error["message"] for error in errors]
            for name, errors in form.errors.get_json_data().items()
        }
    )
