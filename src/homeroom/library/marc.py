"""MARC records in and out: reading a file record by record with each one's position,
the fields Homeroom keeps beside the whole record, holdings as each library system writes
them, and records for export. Nothing here touches the database."""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from xml.sax import SAXException, make_parser
from xml.sax.handler import feature_namespaces

import pymarc
from pymarc.marcxml import XmlHandler
from stdnum import isbn as stdisbn

from homeroom.library.choices import CirculationType, HoldingsPreset, MaterialType

END_OF_RECORD = b"\x1d"
BLOCK = 1 << 20
HOLDING_TAGS = ("852", "949", "952")


@dataclass
class Read:
    """One record of a file: its number (from 1), where it starts, and the record or why it
    could not be read."""

    number: int
    offset: int | None
    record: pymarc.Record | None = None
    error: str = ""

    @property
    def where(self) -> str:
        if self.offset is None:
            return f"record {self.number}"
        return f"record {self.number} (byte {self.offset:,})"


def is_xml(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


CLOSING = re.compile(rb"</(?:[\w.-]+:)?record>")


def count_records(path) -> int:
    """About how many records a file holds, without parsing it."""
    with open(path, "rb") as handle:
        xml = is_xml(handle.read(512))
        handle.seek(0)
        total, tail = 0, b""
        for block in iter(lambda: handle.read(BLOCK), b""):
            if xml:
                text = tail + block
                total += len(CLOSING.findall(text))
                cut = text.rfind(b"<")
                tail = text[cut:] if cut >= 0 and b">" not in text[cut:] else b""
            else:
                total += block.count(END_OF_RECORD)
    return max(total, 1)


def read_file(path) -> Iterator[Read]:
    with open(path, "rb") as handle:
        head = handle.read(512)
    yield from (_read_xml(path) if is_xml(head) else _read_binary(path))


def _read_binary(path) -> Iterator[Read]:
    """MARC21 records split on the record terminator, so a damaged record's length never
    loses the ones after it; MARC-8 records (leader/09 blank) come out in Unicode."""
    number, offset, pending = 0, 0, b""
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            pending += block
            *chunks, pending = pending.split(END_OF_RECORD)
            for chunk in chunks:
                number += 1
                yield _decode(number, offset, chunk + END_OF_RECORD)
                offset += len(chunk) + 1
    if pending.strip(b"\x00\r\n\x1a "):
        number += 1
        yield _decode(number, offset, pending)


def _decode(number: int, offset: int, chunk: bytes) -> Read:
    start = len(chunk) - len(chunk.lstrip(b"\r\n\x00 "))
    chunk = chunk[start:]
    offset += start
    try:
        length = int(chunk[:5])
    except ValueError:
        return Read(number, offset, error="leader: the record length is not a number")
    if length != len(chunk):
        if length > len(chunk):
            return Read(number, offset, error="leader: the record is shorter than its leader says")
        return Read(number, offset, error="leader: the record is longer than its leader says")
    try:
        record = pymarc.Record(data=chunk, to_unicode=True, utf8_handling="replace")
    except UnicodeDecodeError:
        return Read(number, offset, error="leader: characters that are not ASCII")
    except (pymarc.exceptions.PymarcException, ValueError, IndexError) as error:
        return Read(number, offset, error=f"directory: {_plain(error)}")
    if not record.fields:
        return Read(number, offset, error="fields: the record has none")
    return Read(number, offset, record=record)


def _plain(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "invalid literal for int" in text:
        return "a field's length or position is not a number"
    return text[0].lower() + text[1:]


class _Collect(XmlHandler):
    def __init__(self):
        super().__init__(strict=False, normalize_form=None)
        self.records: list[pymarc.Record] = []

    def process_record(self, record):
        self.records.append(record)


def _read_xml(path) -> Iterator[Read]:
    """MARCXML, with or without the `marc:` prefix, fed to the parser a block at a time so
    the file is never held whole."""
    collect = _Collect()
    parser = make_parser()
    parser.setContentHandler(collect)
    parser.setFeature(feature_namespaces, 1)
    number = 0
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(BLOCK), b""):
                parser.feed(block)
                for record in collect.records:
                    number += 1
                    yield _checked(number, record)
                collect.records.clear()
            parser.close()
    except SAXException as error:
        yield Read(number + 1, None, error=f"XML: {error.getMessage()}")
        return
    for record in collect.records:
        number += 1
        yield _checked(number, record)


def _checked(number: int, record: pymarc.Record) -> Read:
    if not record.fields:
        return Read(number, None, error="fields: the record has none")
    return Read(number, None, record=record)


# ---- the fields Homeroom keeps beside the record ---------------------------------------

TRAILING = " /:;,.=+"
LEXILE = re.compile(r"^\s*(?P<code>AD|NC|HL|IG|GN|BR|NP)?\s*(?P<number>\d{1,4})\s*L?\b", re.I)
DECIMAL = re.compile(r"\d+(?:\.\d+)?")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def _clean(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    text = text.rstrip(TRAILING).strip()
    if text.endswith("]") and text.count("[") < text.count("]"):
        text = text[:-1]
    return text


def _first(fields: dict, tag: str, code: str) -> str:
    for found in fields.get(tag, ()):
        values = found.get_subfields(code)
        if values:
            return values[0]
    return ""


def _joined(found: pymarc.Field, codes: str, separator: str = " ") -> str:
    return separator.join(
        _clean(value) for code, value in _pairs(found) if code in codes and _clean(value)
    )


def _pairs(found: pymarc.Field) -> list[tuple[str, str]]:
    return [(sub.code, sub.value) for sub in found.subfields]


def normalise_isbn(raw: str) -> tuple[str, bool]:
    """(ISBN-13, True) for a valid ISBN-10 or -13 with or without hyphens and qualifiers
    ("0679450041 (acid-free paper)"), else (what was written, False)."""
    token = raw.strip().split(" ")[0].split("(")[0].strip().rstrip(":;.,")
    if _plain_isbn13(token):
        return token, True
    try:
        return stdisbn.to_isbn13(stdisbn.validate(token)), True
    except Exception:  # stdnum raises its own ValidationError subclasses
        return token or raw.strip(), False


def _plain_isbn13(token: str) -> bool:
    """A valid ISBN-13 written as its 13 digits, as most records have it: checked here,
    since stdnum's general cleaning costs more than the rest of reading a record."""
    if len(token) != 13 or not token.isdigit() or token[:3] not in ("978", "979"):
        return False
    weighted = sum(int(digit) * (3 if n % 2 else 1) for n, digit in enumerate(token))
    return weighted % 10 == 0


def normalise_lccn(raw: str) -> str:
    """The Library of Congress's normalisation: no blanks, nothing after a slash, and the
    part after a hyphen padded to six digits."""
    text = "".join(raw.split()).split("/")[0]
    if "-" in text:
        left, _, right = text.partition("-")
        if right.isdigit():
            text = left + right.zfill(6)
    return text.lower()


def material_type(leader: str, fields: dict) -> str:
    kind = leader[6:7]
    level = leader[7:8]
    form = ""
    f008 = _one(fields, "008")
    if f008 is not None and f008.data and len(f008.data) > 23:
        form = f008.data[23]
    if kind in ("a", "t"):
        if level in ("s", "i"):
            return MaterialType.SERIAL
        if form in ("o", "s", "q"):
            return MaterialType.EBOOK
        if form == "d":
            return MaterialType.LARGE_PRINT
        return MaterialType.BOOK
    return {
        "c": MaterialType.SCORE,
        "d": MaterialType.SCORE,
        "e": MaterialType.MAP,
        "f": MaterialType.MAP,
        "g": MaterialType.VIDEO,
        "i": MaterialType.AUDIOBOOK,
        "j": MaterialType.MUSIC,
        "k": MaterialType.PICTURE,
        "m": MaterialType.SOFTWARE,
        "o": MaterialType.KIT,
        "p": MaterialType.MIXED,
        "r": MaterialType.OBJECT,
    }.get(kind, MaterialType.BOOK)


def _decimal(text: str, *, places: str = "0.1", largest: Decimal = Decimal("999.9")):
    found = DECIMAL.search(text or "")
    if not found:
        return None
    try:
        value = Decimal(found.group()).quantize(Decimal(places))
    except InvalidOperation:
        return None
    return value if value <= largest else None


def reading_levels(fields: dict) -> dict:
    """Audience and grade levels from 521 (by its first indicator) and Accelerated Reader
    figures from 526."""
    levels = {
        "audience": "",
        "reading_grade": "",
        "interest_grade": "",
        "lexile": None,
        "lexile_code": "",
        "ar_level": None,
        "ar_points": None,
        "ar_quiz": "",
    }
    for found in fields.get("521", ()):
        first = found.indicator1 or " "
        text = _clean(" ".join(found.get_subfields("a")))
        source = " ".join(found.get_subfields("b"))
        if "lexile" in (source + text).lower():
            match = LEXILE.match(re.sub("lexile", "", text, flags=re.I).strip().upper())
            if match:
                number = int(match.group("number"))
                code = (match.group("code") or "").upper()
                levels["lexile"] = -number if code == "BR" else number
                levels["lexile_code"] = code
                continue
        if first == "0" and text:
            levels["reading_grade"] = text[:40]
        elif first == "2" and text:
            levels["interest_grade"] = text[:40]
        elif text and not levels["audience"]:
            levels["audience"] = text[:200]
    for found in fields.get("526", ()):
        program = " ".join(found.get_subfields("a")).lower()
        if program and "accelerated reader" not in program and program.strip() != "ar":
            continue
        levels["ar_level"] = _decimal(_first_of(found, "c"), largest=Decimal("99.9"))
        levels["ar_points"] = _decimal(_first_of(found, "d"), largest=Decimal("9999.9"))
        for code in "zx5":
            quiz = re.search(r"(\d{1,8})", _first_of(found, code))
            if quiz:
                levels["ar_quiz"] = quiz.group(1)
                break
    return levels


def _first_of(found: pymarc.Field, code: str) -> str:
    values = found.get_subfields(code)
    return values[0] if values else ""


def serialised(record: pymarc.Record) -> tuple[str, str]:
    """The record as Homeroom keeps it (MARC-in-JSON text, in Unicode whatever the file's
    encoding was) and its fingerprint: the same record gives the same text and print."""
    data = record.as_dict()
    data["leader"] = data["leader"][:9] + "a" + data["leader"][10:]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


def by_tag(record: pymarc.Record) -> dict[str, list[pymarc.Field]]:
    """The record's fields by tag, read once: pymarc looks through every field on each
    `get_fields`, and a record's extraction asks for some thirty tags."""
    fields: dict[str, list[pymarc.Field]] = {}
    for found in record.fields:
        fields.setdefault(found.tag, []).append(found)
    return fields


def _one(fields: dict, tag: str) -> pymarc.Field | None:
    found = fields.get(tag)
    return found[0] if found else None


def extract(record: pymarc.Record) -> dict:
    """The fields of a Title, read from its record. A record without a 245 $a gets no
    title: the caller reports it."""
    tagged = by_tag(record)
    fields: dict = {}
    main = _one(tagged, "245")
    fields["title"] = _clean(" ".join(main.get_subfields("a", "n", "p"))) if main else ""
    fields["subtitle"] = _clean(" ".join(main.get_subfields("b"))) if main else ""
    fields["responsibility"] = _clean(" ".join(main.get_subfields("c"))) if main else ""
    authors = []
    for tag in ("100", "110", "111", "700", "710", "711"):
        for found in tagged.get(tag, ()):
            name = _clean(" ".join(found.get_subfields("a")))
            if name and name not in authors:
                authors.append(name)
    fields["authors"] = "; ".join(authors)[:1000]
    valid, invalid = [], []
    for found in tagged.get("020", ()):
        for code, value in _pairs(found):
            if code not in "az" or not value.strip():
                continue
            number, ok = normalise_isbn(value)
            target = valid if ok and code == "a" else invalid
            if number not in target:
                target.append(number)
    fields["isbns"] = " ".join(valid)[:500]
    fields["invalid_isbns"] = " ".join(invalid)[:500]
    fields["lccn"] = normalise_lccn(_first(tagged, "010", "a"))[:40]
    control = _one(tagged, "001")
    fields["control_number"] = (control.data.strip() if control and control.data else "")[:100]
    source = _one(tagged, "003")
    fields["control_source"] = (source.data.strip() if source and source.data else "")[:100]
    systems = []
    for found in tagged.get("035", ()):
        for value in found.get_subfields("a"):
            value = "".join(value.split())
            if value and value not in systems:
                systems.append(value)
    fields["system_numbers"] = " ".join(systems)[:500]
    published = _one(tagged, "264") or _one(tagged, "260")
    fields["publisher"] = _clean(" ".join(published.get_subfields("b")))[:300] if published else ""
    fields["year"] = _year(tagged, published)
    fields["edition"] = _clean(_first(tagged, "250", "a"))[:200]
    series = [
        _joined(found, "av")
        for tag in ("490", "830", "440", "800")
        for found in tagged.get(tag, ())
    ]
    fields["series"] = "; ".join(dict.fromkeys(name for name in series if name))[:500]
    subjects = [
        _joined(found, "abcdvxyz", " -- ")
        for tag in ("600", "610", "611", "630", "650", "651", "655")
        for found in tagged.get(tag, ())
    ]
    fields["subjects"] = "; ".join(dict.fromkeys(name for name in subjects if name))
    fields["summary"] = " ".join(
        " ".join(found.get_subfields("a")).strip() for found in tagged.get("520", ())
    ).strip()
    fields["language"] = _language(tagged)
    fields["material_type"] = material_type(str(record.leader), tagged)
    fields.update(reading_levels(tagged))
    fields["dewey"] = _clean(_first(tagged, "082", "a").replace("/", ""))[:40]
    fields["call_number"] = _local_call_number(tagged)[:100]
    return fields


def _year(fields: dict, published) -> int | None:
    if published is not None:
        found = YEAR.search(" ".join(published.get_subfields("c")))
        if found:
            return int(found.group())
    f008 = _one(fields, "008")
    if f008 is not None and f008.data and len(f008.data) >= 11:
        found = YEAR.fullmatch(f008.data[7:11])
        if found:
            return int(found.group())
    return None


def _language(fields: dict) -> str:
    f008 = _one(fields, "008")
    if f008 is not None and f008.data and len(f008.data) >= 38:
        code = f008.data[35:38].strip().lower()
        if code.isalpha() and len(code) == 3:
            return code
    code = _first(fields, "041", "a")[:3].lower()
    return code if code.isalpha() and len(code) == 3 else ""


def _local_call_number(fields: dict) -> str:
    for tag in ("092", "099", "090", "050"):
        found = _one(fields, tag)
        if found is not None:
            number = _joined(found, "ab")
            if number:
                return number
    return ""


def title_keys(fields: dict) -> list[str]:
    """The numbers this record is recognised by, strongest first (a record without any is
    still recognised by its fingerprint)."""
    keys = [f"isbn:{number}" for number in fields["isbns"].split()]
    if fields["lccn"]:
        keys.append(f"lccn:{fields['lccn']}")
    if fields["control_number"]:
        keys.append(f"ctrl:{fields['control_source']}|{fields['control_number']}")
    keys += [f"sys:{number}" for number in fields["system_numbers"].split()]
    return [key[:200] for key in keys]


# ---- holdings -----------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingsMap:
    """Which field holds a record's copies and which subfield is what."""

    tag: str
    barcode: str
    call_number: str = ""  # subfield codes, joined in this order
    location: str = ""
    collection: str = ""
    circulation: str = ""
    price: str = ""
    replacement: str = ""
    copy: str = ""
    acquired: str = ""

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


PRESETS: dict[str, HoldingsMap] = {
    HoldingsPreset.DESTINY: HoldingsMap(
        "852", "p", call_number="khim", location="c", collection="b", price="9", copy="t"
    ),
    HoldingsPreset.KOHA: HoldingsMap(
        "952",
        "p",
        call_number="o",
        location="c",
        collection="8",
        circulation="y",
        price="g",
        replacement="v",
        copy="t",
        acquired="d",
    ),
    HoldingsPreset.EVERGREEN: HoldingsMap(
        "949", "i", call_number="a", location="l", circulation="t", price="p", copy="c"
    ),
}
CIRCULATION_WORDS = [
    ("REF", CirculationType.REFERENCE),
    ("MAG", CirculationType.MAGAZINE),
    ("PERIOD", CirculationType.MAGAZINE),
    ("SERIAL", CirculationType.MAGAZINE),
    ("AUDIOBOOK", CirculationType.AUDIOBOOK),
    ("BOOKCD", CirculationType.AUDIOBOOK),
    ("TEXTBOOK", CirculationType.TEXTBOOK),
    ("TEXT", CirculationType.TEXTBOOK),
    ("EQUIP", CirculationType.EQUIPMENT),
    ("LAPTOP", CirculationType.EQUIPMENT),
    ("DEVICE", CirculationType.EQUIPMENT),
    ("KIT", CirculationType.KIT),
    ("DVD", CirculationType.MEDIA),
    ("VIDEO", CirculationType.MEDIA),
    ("SOUND", CirculationType.MEDIA),
    ("MUSIC", CirculationType.MEDIA),
    ("CD", CirculationType.MEDIA),
    ("BOOK", CirculationType.BOOK),
    ("BK", CirculationType.BOOK),
]


def circulation_type(text: str) -> tuple[str, bool]:
    """The circulation type a library system's item type names, and whether it was known."""
    word = "".join(text.upper().split())
    if not word:
        return CirculationType.BOOK, True
    for part, kind in CIRCULATION_WORDS:
        if part in word:
            return kind, True
    return CirculationType.BOOK, False


class Holding(NamedTuple):
    """One copy a holdings field describes (a tuple: the spool keeps many of them)."""

    barcode: str
    call_number: str = ""
    location: str = ""
    collection: str = ""
    circulation_type: str = CirculationType.BOOK
    price: Decimal | None = None
    replacement_cost: Decimal | None = None
    copy_number: int | None = None
    acquired_on: str = ""  # ISO date
    source_key: str = ""  # for a copy without a barcode: where it came from
    notes: tuple = ()


def price(text: str) -> Decimal | None:
    found = re.search(r"\d{1,7}(?:[.,]\d{1,2})?", (text or "").replace(",", ""))
    if not found:
        return None
    value = Decimal(found.group().replace(",", "."))
    return value if value <= Decimal("99999.99") else None


def _date(text: str) -> str:
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", text or "")
    return found.group() if found else ""


def holdings(record: pymarc.Record, mapping: HoldingsMap, where: str) -> list[Holding]:
    """The copies a record's holdings fields describe. A field with none of the mapping's
    subfields (a note kept in the same tag) is not a holding."""
    found_holdings = []
    wanted = set(
        mapping.barcode + mapping.call_number + mapping.location + mapping.price + mapping.copy
    )
    for n, found in enumerate(record.get_fields(mapping.tag)):
        value = {}
        for sub in found.subfields:
            value.setdefault(sub.code, sub.value)
        if not value.keys() & wanted:
            continue
        barcode = "".join(value.get(mapping.barcode, "").split())[:40]
        notes = ()
        circulation = CirculationType.BOOK
        if mapping.circulation:
            raw = value.get(mapping.circulation, "")
            circulation, known = circulation_type(raw)
            if not known:
                notes = (
                    f"{mapping.tag} ${mapping.circulation}: “{raw.strip()}” is read as a book",
                )
        paid = price(value.get(mapping.price, "")) if mapping.price else None
        replacement = price(value.get(mapping.replacement, "")) if mapping.replacement else None
        digits = re.search(r"\d{1,4}", value.get(mapping.copy, "")) if mapping.copy else None
        found_holdings.append(
            Holding(
                barcode=barcode,
                call_number=" ".join(
                    _clean(value[code]) for code in mapping.call_number if _clean(value.get(code))
                )[:100],
                location=_clean(value.get(mapping.location, ""))[:100] if mapping.location else "",
                collection=(
                    _clean(value.get(mapping.collection, ""))[:100] if mapping.collection else ""
                ),
                circulation_type=circulation,
                price=paid,
                replacement_cost=replacement if replacement is not None else paid,
                copy_number=int(digits.group()) if digits else None,
                acquired_on=_date(value.get(mapping.acquired, "")) if mapping.acquired else "",
                source_key=""
                if barcode
                else hashlib.sha256(f"{where}|{n}|{found}".encode(errors="replace")).hexdigest(),
                notes=notes,
            )
        )
    return found_holdings


def holding_count(record: pymarc.Record, mapping: HoldingsMap) -> tuple[int, int]:
    """For the preview: how many holdings, and holdings with a barcode, a preset finds."""
    wanted = set(
        mapping.barcode + mapping.call_number + mapping.location + mapping.price + mapping.copy
    )
    found = with_barcode = 0
    for field in record.get_fields(mapping.tag):
        codes = {sub.code for sub in field.subfields if sub.value.strip()}
        if codes & wanted:
            found += 1
            with_barcode += mapping.barcode in codes
    return found, with_barcode


# ---- records out ----------------------------------------------------------------------


def record_from_json(text: str) -> pymarc.Record:
    data = json.loads(text)
    record = pymarc.Record(leader=data.get("leader"), force_utf8=True)
    for item in data.get("fields", []):
        for tag, value in item.items():
            if isinstance(value, str):
                record.add_field(pymarc.Field(tag=tag, data=value))
            else:
                record.add_field(
                    pymarc.Field(
                        tag=tag,
                        indicators=pymarc.Indicators(
                            value.get("ind1", " "), value.get("ind2", " ")
                        ),
                        subfields=[
                            pymarc.Subfield(code, text)
                            for sub in value.get("subfields", [])
                            for code, text in sub.items()
                        ],
                    )
                )
    return record


def holding_field(copy, library_code: str) -> pymarc.Field:
    subfields = [pymarc.Subfield("a", library_code)]
    if copy.location:
        subfields.append(pymarc.Subfield("c", copy.location))
    if copy.collection:
        subfields.append(pymarc.Subfield("b", copy.collection))
    if copy.call_number:
        subfields.append(pymarc.Subfield("h", copy.call_number))
    subfields.append(pymarc.Subfield("p", copy.barcode))
    if copy.copy_number:
        subfields.append(pymarc.Subfield("t", str(copy.copy_number)))
    if copy.price is not None:
        subfields.append(pymarc.Subfield("9", f"{copy.price:.2f}"))
    return pymarc.Field(tag="852", indicators=pymarc.Indicators(" ", " "), subfields=subfields)


# ---- records written by hand ----------------------------------------------------------

HAND_TAGS = ("020", "082", "092", "100", "245", "250", "264", "490", "520", "521", "526")


def written(record: pymarc.Record | None, data: dict) -> pymarc.Record:
    """`record` (a new one when None) with the fields a cataloging form edits written from
    `data` (title, subtitle, responsibility, author, isbns, publisher, year, edition, series,
    summary, dewey, call_number, lexile, interest_grade, ar_level, ar_points, ar_quiz); the
    record's other fields are kept as they were."""
    if record is None:
        record = pymarc.Record(force_utf8=True, leader="     nam a22     7i 4500")
        today = data.get("today", "")
        year = str(data.get("year") or "").rjust(4, "u")
        record.add_field(
            pymarc.Field(tag="008", data=f"{today:6.6}s{year}    xx            000 0 eng d")
        )
    record.remove_fields(*HAND_TAGS)

    def add(tag, subfields, ind1=" ", ind2=" "):
        pairs = [pymarc.Subfield(code, str(value)) for code, value in subfields if value]
        if pairs:
            record.add_ordered_field(
                pymarc.Field(tag=tag, indicators=pymarc.Indicators(ind1, ind2), subfields=pairs)
            )

    for number in data.get("isbns") or []:
        add("020", [("a", number)])
    add("082", [("a", data.get("dewey"))], "0", "4")
    add("092", [("a", data.get("call_number"))])
    add("100", [("a", data.get("author"))], "1")
    title = data.get("title") or ""
    subtitle = data.get("subtitle") or ""
    responsibility = data.get("responsibility") or ""
    add(
        "245",
        [
            ("a", title + (" :" if subtitle else " /" if responsibility else "")),
            ("b", subtitle + (" /" if responsibility and subtitle else "")),
            ("c", responsibility),
        ],
        "1" if data.get("author") else "0",
        "0",
    )
    add("250", [("a", data.get("edition"))])
    add("264", [("b", data.get("publisher")), ("c", data.get("year"))], " ", "1")
    add("490", [("a", data.get("series"))], "0")
    add("520", [("a", data.get("summary"))])
    if data.get("interest_grade"):
        add("521", [("a", data["interest_grade"])], "2")
    if data.get("lexile") is not None and data.get("lexile") != "":
        lexile = int(data["lexile"])
        code = data.get("lexile_code") or ""
        shown = f"BR{-lexile}L" if lexile < 0 else f"{code}{lexile}L"
        add("521", [("a", shown), ("b", "Lexile")], "8")
    if data.get("ar_level") not in (None, ""):
        add(
            "526",
            [
                ("a", "Accelerated Reader"),
                ("c", data.get("ar_level")),
                ("d", data.get("ar_points")),
                ("z", data.get("ar_quiz")),
            ],
            "0",
        )
    return record
