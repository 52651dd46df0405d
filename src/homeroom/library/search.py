"""Finding titles by words, ISBN or barcode."""

from django.db.models import Q

from homeroom.library.marc import normalise_isbn


def matching(text: str) -> Q:
    """Titles a search box's text names: an ISBN or a copy's barcode exactly, or every word
    in the title, authors, subjects, series or summary."""
    text = text.strip()
    number, valid = normalise_isbn(text)
    if valid:
        return Q(isbns__contains=number)
    from homeroom.library.models import Copy

    found = Q(pk__in=Copy.objects.filter(barcode=text).values("title_id"))
    words = Q()
    for word in text.split()[:8]:
        words &= (
            Q(title__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(authors__icontains=word)
            | Q(subjects__icontains=word)
            | Q(series__icontains=word)
        )
    return found | words
