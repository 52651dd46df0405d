"""Class sets: the librarian picks a library, a class and a title, sees who has a copy,
lends one to every student who has none, or takes the class's copies back; the students
still without a copy are the report (and its CSV)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.lists import csv_response
from homeroom.library import circulation, class_sets, selectors
from homeroom.library.search import search
from homeroom.people.selectors import classes_for


def _pick(request, given):
    """The library, class and title chosen in `given`, each None until chosen, and the
    titles matching the words typed (`q`) when no title is chosen yet."""
    libraries = list(selectors.libraries_for(request.user).order_by("name"))
    wanted = given.get("library", "")
    library = next((each for each in libraries if str(each.pk) == wanted), None)
    library = library or (libraries[0] if libraries else None)
    classes = classes_for(request.user).filter(is_active=True)
    classes = classes.filter(site=library.site_id) if library else classes.none()
    classes = list(classes.order_by("title", "class_code"))
    wanted = given.get("class", "")
    chosen_class = next((each for each in classes if str(each.pk) == wanted), None)
    titles = selectors.titles_for(request.user)
    wanted = given.get("title", "")
    title = titles.filter(pk=wanted).first() if wanted.isdigit() and len(wanted) < 12 else None
    query = (given.get("q") or "").strip()[:200]
    matches = list(search(titles, query)[:10]) if query and title is None else []
    if len(matches) == 1:
        title = matches[0]
    return {
        "libraries": libraries,
        "library": library,
        "classes": classes,
        "school_class": chosen_class,
        "title": title,
        "q": query,
        "matches": matches,
    }


@access(circulation.LEND)
def class_set(request):
    """GET: the chooser, and for a chosen class and title, each student with their copy
    (`export=csv`: the students without one)."""
    picked = _pick(request, request.GET)
    school_class, title = picked["school_class"], picked["title"]
    rows = class_sets.roster(title, school_class) if school_class and title else []
    without = [person for person, loan in rows if loan is None]
    if request.GET.get("export") == "csv" and school_class and title:
        return csv_response(
            f"without-{slugify(title.title)[:40]}-{slugify(str(school_class))[:40]}.csv",
            ["Student", "Grade", "Local id", "Class", "Title"],
            (
                [str(person), person.grade_label, person.identifier, str(school_class), title.title]
                for person in without
            ),
        )
    available = 0
    if picked["library"] and title:
        available = title.copies.filter(library=picked["library"], status="available").count()
    return render(
        request,
        "library/class_sets/class_set.html",
        {**picked, "rows": rows, "without": without, "available": available},
    )


@access(circulation.LEND)
@require_POST
def class_set_apply(request):
    """Lend (`action=out`) or take back (`action=in`) the class set chosen."""
    picked = _pick(request, request.POST)
    library, school_class, title = picked["library"], picked["school_class"], picked["title"]
    target = reverse("library:class_set")
    if not (library and school_class and title):
        messages.error(request, "Choose the library, the class and the title first.")
        return redirect(target)
    target += f"?library={library.pk}&class={school_class.pk}&title={title.pk}"
    action = request.POST.get("action")
    try:
        if action == "in":
            done = class_sets.class_set_check_in(
                actor=request.user, title=title, school_class=school_class, library=library
            )
            messages.success(request, f"Checked in {len(done.done)} copies of {title.title}.")
        else:
            done = class_sets.class_set_check_out(
                actor=request.user, title=title, school_class=school_class, library=library
            )
            messages.success(
                request,
                f"Lent {len(done.done)} copies of {title.title}; "
                f"{len(done.without)} student{'s' if len(done.without) != 1 else ''} still "
                "without one.",
            )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(target)
    for person, why in done.refused:
        messages.error(request, f"{person}: {why}")
    return redirect(target)
