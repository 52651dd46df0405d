"""The demo district's libraries: each school's catalog arrives as a MARC file from the
library system it left, through the MARC importer, as a real migration would. Elementary
schools hold picture books, easy readers and chapter books with Lexile and Accelerated
Reader levels; middle and high schools more nonfiction. Books the schools share (same
ISBN) become one title with copies in each library. `--scale` adds schools, and so
libraries."""

import datetime
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pymarc
from django.utils import timezone
from stdnum import ean

from homeroom.core.calendar import BusinessCalendar, calendar_for
from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.core.import_services import import_run_check_here, import_run_upload
from homeroom.core.models import ImportRun
from homeroom.library import rules, stocktake
from homeroom.library.choices import CopyStatus, HoldStatus, LoanStatus
from homeroom.library.models import (
    Copy,
    Hold,
    Library,
    Loan,
    LoanRule,
    PatronType,
    Stocktake,
    StocktakeScan,
    Title,
)
from homeroom.people.models import Person

TITLES_PER_LIBRARY = {SiteType.ELEMENTARY: 600, SiteType.MIDDLE: 450, SiteType.HIGH: 500}
SHARED_TITLES = 150  # the first of each school's list are the same books everywhere
# How each school's old library system wrote its copies.
SYSTEMS = ["destiny", "koha", "evergreen"]

ADJECTIVES = [
    "Brave",
    "Quiet",
    "Hidden",
    "Golden",
    "Lost",
    "Secret",
    "Little",
    "Wild",
    "Curious",
    "Frozen",
    "Midnight",
    "Silver",
    "Tiny",
    "Great",
    "Sleepy",
    "Clever",
]
NOUNS = [
    "Fox",
    "Garden",
    "Dragon",
    "River",
    "Lighthouse",
    "Robot",
    "Owl",
    "Island",
    "Mountain",
    "Bicycle",
    "Kite",
    "Moon",
    "Library",
    "Forest",
    "Whale",
    "Comet",
]
PLACES = [
    "Maple Street",
    "the Old Mill",
    "Willow Pond",
    "Cedar Hill",
    "the Northern Sea",
    "Room 12",
    "Grandma's Farm",
    "the City Zoo",
]
FAMILY = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diallo",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Johnson",
    "Kowalski",
    "Lee",
    "Mendoza",
    "Nguyen",
    "Okafor",
    "Patel",
]
GIVEN = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Emma",
    "Farid",
    "Grace",
    "Hiro",
    "Imani",
    "Jonah",
    "Kira",
    "Luis",
    "Maya",
    "Noor",
    "Omar",
    "Priya",
]
PUBLISHERS = ["Riverbend Press", "Lantern Books", "Blue Kite", "Northfield Educational", "Oakleaf"]
NONFICTION = [
    ("Sharks", "597.3", "Sharks -- Juvenile literature"),
    ("Volcanoes", "551.21", "Volcanoes -- Juvenile literature"),
    ("The Solar System", "523.2", "Solar system -- Juvenile literature"),
    ("Ancient Egypt", "932", "Egypt -- Civilization"),
    ("Coding for Beginners", "005.13", "Computer programming"),
    ("The American Revolution", "973.3", "United States -- History -- Revolution, 1775-1783"),
    ("Weather and Climate", "551.6", "Climatology"),
    ("Human Body Systems", "612", "Human physiology"),
    ("Bees and Pollination", "595.79", "Bees"),
    ("World Religions", "200", "Religions"),
    ("Bridges and Tunnels", "624", "Civil engineering"),
    ("Poetry Out Loud", "811", "American poetry"),
    ("Civil Rights Leaders", "323.092", "Civil rights workers -- Biography"),
    ("Chemistry Basics", "540", "Chemistry"),
    ("Soccer Skills", "796.334", "Soccer"),
    ("Money and Banking", "332.1", "Banks and banking"),
]


NONFICTION_TITLES = [
    "{}",
    "All About {}",
    "Exploring {}",
    "The Story of {}",
    "{} Up Close",
    "Discover {}",
    "A Kid's Guide to {}",
    "Inside {}",
    "{}: Questions and Answers",
    "The Big Book of {}",
]
LOCATIONS = {"E": "Picture books", "FIC": "Fiction"}


def _isbn(number: int) -> str:
    stem = f"978177{number:06d}"
    return stem + ean.calc_check_digit(stem)


def _book(rng: random.Random, number: int, kind: str, today: datetime.date) -> dict:
    """One book of a school's list; `number` picks it, so schools share their first ones."""
    pick = random.Random(number)
    author = (pick.choice(FAMILY), pick.choice(GIVEN))
    nonfiction = pick.random() < {"elementary": 0.25, "middle": 0.35, "high": 0.55}[kind]
    if nonfiction:
        subject, dewey, heading = pick.choice(NONFICTION)
        title = pick.choice(NONFICTION_TITLES).format(subject)
        call = f"{dewey} {author[0][:3].upper()}"
    else:
        title = f"The {pick.choice(ADJECTIVES)} {pick.choice(NOUNS)}"
        if pick.random() < 0.5:
            title += f" of {pick.choice(PLACES)}"
        dewey, heading = (
            "",
            pick.choice(
                [
                    "Friendship -- Fiction",
                    "Animals -- Fiction",
                    "Adventure stories",
                    "Families -- Fiction",
                    "Mystery and detective stories",
                ]
            ),
        )
        picture = kind == "elementary" and pick.random() < 0.5
        call = f"{'E' if picture else 'FIC'} {author[0][:3].upper()}"
    base = {"elementary": 450, "middle": 850, "high": 1050}[kind]
    lexile = max(-200, int(pick.gauss(base, 180)) // 10 * 10)
    return {
        "isbn": _isbn(number),
        "title": title,
        "author": f"{author[0]}, {author[1]}",
        "publisher": pick.choice(PUBLISHERS),
        "year": today.year - int(abs(pick.gauss(0, 12 if nonfiction else 8))),
        "dewey": dewey,
        "call": call,
        "location": LOCATIONS.get(call.split()[0], "Nonfiction"),
        "subject": heading,
        "lexile": lexile if kind != "high" or pick.random() < 0.6 else None,
        "ar": round(max(0.5, min(12.9, (lexile + 300) / 170)), 1) if kind != "high" else None,
        "points": round(pick.uniform(0.5, 12), 1),
        "quiz": str(10000 + number),
        "copies": 1 + (pick.random() < 0.3) + (pick.random() < 0.1),
        "price": f"{pick.uniform(6, 32):.2f}",
        "summary": (
            f"A look at {subject}" if nonfiction else f"A story set at {pick.choice(PLACES)}"
        )
        + f" for readers in {kind} school.",
    }


def _record(book: dict, system: str, barcodes, today: datetime.date, rng: random.Random):
    record = pymarc.Record(force_utf8=True, leader="     nam a22     7i 4500")
    record.add_field(
        pymarc.Field(tag="008", data=f"{today:%y%m%d}s{book['year']}    xxu           000 1 eng d")
    )

    def add(tag, pairs, ind1=" ", ind2=" "):
        record.add_field(
            pymarc.Field(
                tag=tag,
                indicators=pymarc.Indicators(ind1, ind2),
                subfields=[pymarc.Subfield(code, str(value)) for code, value in pairs if value],
            )
        )

    add("020", [("a", book["isbn"])])
    if book["dewey"]:
        add("082", [("a", book["dewey"])], "0", "4")
    add("100", [("a", book["author"])], "1")
    add(
        "245",
        [
            ("a", book["title"] + " /"),
            ("c", "by " + " ".join(reversed(book["author"].split(", ")))),
        ],
        "1",
        "4" if book["title"].startswith("The ") else "0",
    )
    add(
        "264",
        [("a", "New York :"), ("b", book["publisher"] + ","), ("c", str(book["year"]))],
        " ",
        "1",
    )
    add("520", [("a", book["summary"])])
    if book["lexile"] is not None:
        shown = f"BR{-book['lexile']}L" if book["lexile"] < 0 else f"{book['lexile']}L"
        add("521", [("a", shown), ("b", "Lexile")], "8")
    if book["ar"] is not None:
        add(
            "526",
            [
                ("a", "Accelerated Reader"),
                ("c", book["ar"]),
                ("d", book["points"]),
                ("z", book["quiz"]),
            ],
            "0",
        )
    add("650", [("a", book["subject"])], " ", "0")
    for number in range(book["copies"]):
        barcode = next(barcodes)
        acquired = today - datetime.timedelta(days=rng.randint(20, 3650))
        if system == "destiny":
            add(
                "852",
                [
                    ("b", "Main"),
                    ("c", book["location"]),
                    ("h", book["call"]),
                    ("p", barcode),
                    ("t", number + 1),
                    ("9", book["price"]),
                ],
            )
        elif system == "koha":
            add(
                "952",
                [
                    ("o", book["call"]),
                    ("p", barcode),
                    ("y", "BK"),
                    ("c", book["location"]),
                    ("g", book["price"]),
                    ("d", acquired.isoformat()),
                    ("t", number + 1),
                ],
            )
        else:
            add(
                "949", [("a", book["call"]), ("i", barcode), ("l", book["location"]), ("t", "BOOK")]
            )
    return record


@demo_step(order=85)
def library_catalogs(context: DemoContext) -> None:
    """Each school's catalog imported from a MARC file its old system wrote."""
    rng = context.rng
    admin = context.shared["accounts"]["admin"]
    schools = [site for site in context.shared["sites"] if site.type in TITLES_PER_LIBRARY]
    with tempfile.TemporaryDirectory() as folder:
        for index, site in enumerate(schools):
            system = SYSTEMS[index % len(SYSTEMS)]
            count = TITLES_PER_LIBRARY[site.type]
            numbers = list(range(SHARED_TITLES)) + [
                SHARED_TITLES + index * 10_000 + n for n in range(count - SHARED_TITLES)
            ]
            barcodes = (f"{site.code}-{n:06d}" for n in range(1, 100_000))
            path = Path(folder) / f"{site.code.lower()}-{system}.mrc"
            with open(path, "wb") as handle:
                for number in numbers:
                    book = _book(rng, number, site.type, context.today)
                    handle.write(_record(book, system, barcodes, context.today, rng).as_marc())
            run = import_run_upload(
                actor=admin,
                kind="marc",
                path=path,
                site=site,
                options={"holdings": system, "without_barcode": "title_only"},
                queue=False,
            )
            import_run_check_here(run, apply=True, actor=admin)
            ImportRun.objects.filter(pk=run.pk).update(file_path="")  # a temporary folder
    _dated(context)


def _dated(context: DemoContext) -> None:
    """The records and copies as if catalogued over the last ten years: each copy added on
    the day it was acquired (or a day of its own), each title with its first copy."""
    rng = context.rng
    copies = list(Copy.objects.only("pk", "acquired_on", "title_id").order_by("pk"))
    first: dict[int, datetime.datetime] = {}
    for copy in copies:
        day = copy.acquired_on or context.today - datetime.timedelta(days=rng.randint(20, 3650))
        copy.acquired_on = day
        copy.created_at = copy.updated_at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(10))
        )
        first[copy.title_id] = min(first.get(copy.title_id, copy.created_at), copy.created_at)
    Copy.objects.bulk_update(copies, ["acquired_on", "created_at", "updated_at"], batch_size=1000)
    titles = list(Title.objects.only("pk", "created_at"))
    for title in titles:
        title.created_at = title.updated_at = first.get(title.pk, context.now)
    Title.objects.bulk_update(titles, ["created_at", "updated_at"], batch_size=1000)


CLASS_SIZE = 24  # an elementary class visits the library once a week, together
VISIT_BORROWERS = 0.6  # of a class, those who take a book home at a visit
DAILY_LOANS = {SiteType.MIDDLE: (3, 10), SiteType.HIGH: (2, 7)}
LOSE_ONE_IN = 150  # loans never brought back: overdue long enough to be lost


@dataclass
class _Lending:
    """One library's year of lending as it is written."""

    context: DemoContext
    library: Library
    calendar: BusinessCalendar
    rule: LoanRule | None
    copies: list
    kinds: dict
    loans: list
    out: dict
    free_on: dict = field(default_factory=dict)

    def lend(self, person, day: datetime.date, weeks: int) -> None:
        rng, context, calendar = self.context.rng, self.context, self.calendar
        for _ in range(6):
            copy_id, _title = rng.choice(self.copies)
            if self.free_on.get(copy_id, day) <= day:
                break
        else:
            return
        due_on = calendar.next_school_day(day + datetime.timedelta(days=7 * weeks))
        hours = calendar.hours_on(due_on)
        due_at = hours[1] if hours else _at(due_on, 15, 30)
        back = day + datetime.timedelta(
            days=rng.choice([5, 6, 7, 7, 7, 9, 12] if weeks == 1 else [4, 8, 11, 13, 14, 16, 21])
        )
        loan = Loan(
            copy_id=copy_id,
            library=self.library,
            patron_type=self.kinds[person.pk],
            grade=person.grade,
            rule=self.rule,
            checked_out_at=min(_at(day, rng.randint(8, 14), rng.randint(0, 59)), context.now),
            due_on=due_on,
            due_at=due_at,
        )
        if back < context.today and rng.randrange(LOSE_ONE_IN):
            loan.status = LoanStatus.RETURNED
            loan.returned_at = _at(back, 9, rng.randint(0, 59))
            self.free_on[copy_id] = back + datetime.timedelta(days=1)
        else:
            loan.person = person
            self.free_on[copy_id] = context.today + datetime.timedelta(days=3650)
            self.out[copy_id] = loan
            lost_after = self.rule.lost_after_days if self.rule else 60
            if lost_after and (context.today - due_on).days > lost_after:
                loan.status = LoanStatus.LOST
                loan.lost_at = _at(due_on + datetime.timedelta(days=lost_after + 1), 2, 0)
        self.loans.append(loan)


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    """The district's local time on `day` (the calendar's zone has no gap in school hours)."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


@demo_step(order=86)
def library_circulation(context: DemoContext) -> None:
    """A year of lending at each school up to the demo's day: elementary classes visit
    once a week and most children take a book home for the week; middle and high school
    readers borrow on their own for two weeks. Most loans came back (and forgot their
    reader); some are out now, a few overdue and a few lost; readers wait for books all
    out; and a stocktake of the 500s is under way at the librarian's school. Written with
    bulk inserts, as a year of history would be migrated."""
    rng = context.rng
    types = list(PatronType.objects.all())
    rule = LoanRule.objects.filter(library=None, patron_type=None, circulation_type="").first()
    first_day = context.today - datetime.timedelta(days=364)
    loans: list[Loan] = []
    out: dict[int, Loan] = {}  # copy id: its open loan
    for library in Library.objects.select_related("site").order_by("pk"):
        calendar = calendar_for(library.site_id)
        copies = list(
            library.copies.filter(status=CopyStatus.AVAILABLE).values_list("pk", "title_id")
        )
        readers = list(
            Person.objects.filter(kind="student", is_active=True, primary_site=library.site)
            .order_by("pk")
            .only("pk", "grade", "kind")
        )
        if not copies or not readers:
            continue
        lending = _Lending(
            context,
            library,
            calendar,
            rule,
            copies,
            {person.pk: rules.patron_type_for(person, types) for person in readers},
            loans,
            out,
        )
        days = [
            first_day + datetime.timedelta(days=n)
            for n in range(365)
            if calendar.is_school_day(first_day + datetime.timedelta(days=n))
        ]
        if library.site.type == SiteType.ELEMENTARY:
            classes = [readers[n : n + CLASS_SIZE] for n in range(0, len(readers), CLASS_SIZE)]
            for day in days:
                for index, group in enumerate(classes):
                    if index % 5 != day.weekday():
                        continue
                    for person in group:
                        if rng.random() < VISIT_BORROWERS:
                            lending.lend(person, day, 1)
        else:
            low, high = DAILY_LOANS.get(library.site.type, (2, 8))
            for day in days:
                for _ in range(rng.randint(low, high)):
                    lending.lend(rng.choice(readers), day, 2)
    Loan.objects.bulk_create(loans, batch_size=2000)
    lost = {pk for pk, loan in out.items() if loan.status == LoanStatus.LOST}
    Copy.objects.filter(pk__in=lost).update(status=CopyStatus.LOST)
    Copy.objects.filter(pk__in=[pk for pk in out if pk not in lost]).update(
        status=CopyStatus.CHECKED_OUT
    )
    _holds(context, out)
    _stocktake(context)


def _holds(context: DemoContext, out: dict[int, Loan]) -> None:
    """Readers waiting for titles whose every copy at their library is out."""
    rng = context.rng
    on_shelf = set(
        Copy.objects.filter(status=CopyStatus.AVAILABLE).values_list("title_id", "library_id")
    )
    wanted = sorted(
        {
            (title_id, library_id)
            for title_id, library_id in Copy.objects.filter(pk__in=list(out)).values_list(
                "title_id", "library_id"
            )
            if (title_id, library_id) not in on_shelf
        }
    )
    holds = []
    for title_id, library_id in rng.sample(wanted, min(len(wanted), 8 * 3)):
        readers = list(
            Person.objects.filter(
                kind="student", is_active=True, primary_site__library=library_id
            ).values_list("pk", flat=True)[:300]
        )
        for person_id in rng.sample(readers, min(len(readers), rng.randint(1, 3))):
            placed = context.now - datetime.timedelta(
                days=rng.randint(1, 20), hours=rng.randint(0, 5)
            )
            holds.append(
                Hold(
                    title_id=title_id,
                    library_id=library_id,
                    person_id=person_id,
                    status=HoldStatus.WAITING,
                    placed_at=placed,
                )
            )
    Hold.objects.bulk_create(holds, ignore_conflicts=True)


def _stocktake(context: DemoContext) -> None:
    """The librarian is counting her 500s: most of the shelf scanned, a book of another
    school found among them, one barcode nobody knows."""
    librarian = context.shared["accounts"]["librarian"]
    library = Library.objects.filter(site__in=librarian.sites.all()).order_by("pk").first()
    if library is None:
        return
    counted = stocktake.stocktake_start(
        actor=librarian, library=library, call_number_from="500", call_number_to="599"
    )
    expected = list(counted.items.values_list("copy__barcode", flat=True).order_by("pk"))
    scans = expected[: len(expected) * 3 // 4]
    stray = (
        Copy.objects.exclude(library=library)
        .filter(status=CopyStatus.AVAILABLE)
        .values_list("barcode", flat=True)
        .order_by("pk")
        .first()
    )
    for barcode in [*scans, *([stray] if stray else []), "LOST-LABEL-0001"]:
        stocktake.stocktake_scan(actor=librarian, stocktake=counted, barcode=barcode)
    # Begun two days before the demo's moment and scanned in two sittings, which the
    # clock may have passed.
    started = context.now - datetime.timedelta(days=2)
    Stocktake.objects.filter(pk=counted.pk).update(started_at=started)
    for number, pk in enumerate(counted.scans.order_by("pk").values_list("pk", flat=True)):
        sitting = started + datetime.timedelta(days=number % 2, minutes=10 + number // 2)
        StocktakeScan.objects.filter(pk=pk).update(scanned_at=sitting)
