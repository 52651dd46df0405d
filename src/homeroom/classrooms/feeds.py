"""iCalendar (RFC 5545) feeds of bookings: a person's and a resource's, at secret addresses."""

import datetime

from django.conf import settings

PRODUCT = "-//Homeroom//Reservations//EN"


def _text(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return [line]
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def calendar(name: str, reservations, stamp: datetime.datetime) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "homeroom"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    for reservation in reservations:
        summary = f"{reservation.resource}"
        if reservation.periods:
            summary += f" ({reservation.periods})"
        description = f"Booked by {reservation.holder.get_full_name() or reservation.holder}"
        if reservation.purpose:
            description += f": {reservation.purpose}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:reservation-{reservation.pk}@{host}",
            f"DTSTAMP:{_moment(stamp)}",
            f"DTSTART:{_moment(reservation.starts_at)}",
            f"DTEND:{_moment(reservation.ends_at)}",
            f"SUMMARY:{_text(summary)}",
            f"DESCRIPTION:{_text(description)}",
            f"LOCATION:{_text(reservation.resource.site)}",
            f"STATUS:{'TENTATIVE' if reservation.status == 'pending' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))
