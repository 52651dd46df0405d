from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse


def _api_error(request, status: int, code: str, message: str) -> JsonResponse | None:
    """For a request under the API's root, the API's error shape instead of a page."""
    if not request.path.startswith(reverse("api:api-root")):
        return None
    body = {"error": {"code": code, "message": message, "fields": {}}}
    return JsonResponse(body, status=status)


def forbidden(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "title": "You can't open this page",
            "message": "Your role does not include it. If you need it for your work, ask your "
            "district admin.",
        },
        status=403,
    )


def not_found(request, exception=None):
    if answer := _api_error(request, 404, "not_found", "No such API operation."):
        return answer
    return render(
        request,
        "core/error.html",
        {
            "title": "Page not found",
            "message": "It may have moved, or it is at a site you don't work at.",
        },
        status=404,
    )


def server_error(request):
    if answer := _api_error(request, 500, "server_error", "Something went wrong on our side."):
        return answer
    return render(
        request,
        "core/error.html",
        {
            "title": "Something went wrong on our side",
            "message": "Nothing you did caused this. Try again in a minute; if it keeps happening, "
            "tell your district admin.",
        },
        status=500,
    )
