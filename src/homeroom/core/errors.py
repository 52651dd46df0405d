from django.shortcuts import render


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
