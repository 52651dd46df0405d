"""The REST API at /api/v1/: bearer tokens or the browser session, one error shape."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.core.signals import got_request_exception
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer, SessionAuth

from homeroom.core.access import PUBLIC, access
from homeroom.core.exceptions import Conflict


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal API token from your profile page: `Authorization: Bearer hr_…`"
    )

    def authenticate(self, request, token):
        from homeroom.people.services import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token, as on pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="Homeroom API",
    version="1",
    description=(
        "Sites, rooms and every later module of Homeroom. Authenticate with a personal token "
        "(`Authorization: Bearer …`) or a signed-in browser session. Errors always have the "
        'shape `{"error": {"code": …, "message": …, "fields": {…}}}`.'
    ),
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=access(PUBLIC),
    openapi_url="/openapi.json",
)


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    """Every error the API answers."""

    error: ErrorDetail


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(RequestValidationError)
def on_request_invalid(request, exc):
    fields = {}
    for problem in exc.errors:
        location = [str(part) for part in problem.get("loc", ()) if part not in {"body", "payload"}]
        fields.setdefault(".".join(location) or "request", []).append(problem.get("msg", ""))
    return error(request, 400, "invalid", "The request has invalid or missing values.", fields)


@api.exception_handler(ModelValidationError)
def on_model_invalid(request, exc):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"request": exc.messages}
    fields = {("request" if key == "__all__" else key): value for key, value in fields.items()}
    return error(request, 400, "invalid", "The values were not accepted.", fields)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(
        request,
        401,
        "unauthenticated",
        "Send a valid API token (Authorization: Bearer …) or sign in.",
    )


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or "Your role does not allow this.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", "Not found, or not visible to you.")


@api.exception_handler(Conflict)
@api.exception_handler(IntegrityError)
def on_conflict(request, exc):
    message = str(exc) if isinstance(exc, Conflict) else "It changed while you were saving."
    return error(request, 409, "conflict", message)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(OverflowError)
def on_number_too_large(request, exc):
    """SQLite takes integers of at most 64 bits; the schemas bound the numbers they declare,
    and this answers for any other that reaches the database."""
    return error(request, 400, "invalid", "A number in the request is too large.")


@api.exception_handler(Exception)
def on_server_error(request, exc):
    """Logged and signalled as Django does for a page, answered in the API's error shape."""
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    got_request_exception.send(sender=None, request=request)
    return error(request, 500, "server_error", "Something went wrong on our side.")


def document_errors() -> None:
    """Declare in the schema the error answers each operation can give: 400 for invalid
    input, 401 without a valid token or session, 403 where a role is needed (and for a
    write, whose session needs its CSRF token), 404 for an object that is not there or not
    visible, 409 for a write that conflicts with the data."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                write = set(operation.methods) != {"GET"}
                rule = getattr(operation.view_func, "access_rule", None)
                codes = {401}
                if write or operation.models:
                    codes.add(400)
                if write or (rule is not None and rule.needs_role):
                    codes.add(403)
                if write or "{" in operation.path:
                    codes.add(404)
                if write:
                    codes.add(409)
                for code in codes - operation.response_models.keys():
                    operation.response_models[code] = operation._create_response_model(ErrorOut)


def register_routers() -> None:
    from homeroom.classrooms.api import router as classrooms_router
    from homeroom.core.api import router as core_router
    from homeroom.devices.api import router as devices_router
    from homeroom.fees.api import router as fees_router
    from homeroom.helpdesk.api import router as helpdesk_router
    from homeroom.library.api import router as library_router
    from homeroom.people.api import router as people_router
    from homeroom.repairs.api import router as repairs_router
    from homeroom.reports.api import router as reports_router
    from homeroom.software.api import router as software_router
    from homeroom.testday.api import router as testday_router
    from homeroom.training.api import router as training_router

    api.add_router("/", people_router)
    api.add_router("/", core_router)
    api.add_router("/", devices_router)
    api.add_router("/", helpdesk_router)
    api.add_router("/", repairs_router)
    api.add_router("/", fees_router)
    api.add_router("/", reports_router)
    api.add_router("/", training_router)
    api.add_router("/", testday_router)
    api.add_router("/", software_router)
    api.add_router("/", classrooms_router)
    api.add_router("/", library_router)
    document_errors()


register_routers()


@access(PUBLIC)
def api_root(request):
    return redirect("api:openapi-view")


def urls():
    """The API's URL patterns, its root declared public like every other URL."""
    patterns, app_name, namespace = api.urls
    patterns = [entry for entry in patterns if getattr(entry, "name", None) != "api-root"]
    return [*patterns, path("", api_root, name="api-root")], app_name, namespace
