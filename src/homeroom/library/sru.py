"""Copy cataloging over SRU (Search/Retrieve via URL), the protocol the Library of Congress
and most union catalogs serve: one searchRetrieve request for an ISBN, asking for MARCXML,
and the first record of the answer as a pymarc Record.

Nothing is sent anywhere unless a district admin has set the server's address in the
library's settings. A server that is slow, down, or answers with something other than a
searchRetrieveResponse raises `SruError` with a message written for the librarian.
"""

import io
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pymarc

TIMEOUT = 8  # seconds: a librarian is waiting at the desk with the book in hand
MOST_BYTES = 2 * 1024 * 1024
MARC_NS = "http://www.loc.gov/MARC21/slim"
# (version, the query's index): bath.isbn is what SRU 1.1 servers (LoC's among them)
# know; SRU 2.0 servers take the Dublin Core identifier.
QUERIES = {"1.1": "bath.isbn", "1.2": "bath.isbn", "2.0": "dc.identifier"}


class SruError(Exception):
    """Why a record could not be fetched, in plain words."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def request_url(base_url: str, isbn: str, version: str = "1.1") -> str:
    query = f"{QUERIES.get(version, 'bath.isbn')}={isbn}"
    parameters = {
        "operation": "searchRetrieve",
        "version": version,
        "query": query,
        "recordSchema": "marcxml",
        "maximumRecords": "1",
    }
    if version == "2.0":
        del parameters["operation"]  # SRU 2.0 has no operation parameter
        parameters["recordXMLEscaping"] = "xml"
    else:
        parameters["recordPacking"] = "xml"
    separator = "&" if "?" in base_url else "?"
    return base_url + separator + urllib.parse.urlencode(parameters)


def fetch(base_url: str, isbn: str, *, version: str = "1.1", timeout: float | None = None):
    """The first MARCXML record the server has for `isbn` (a pymarc Record), or None when it
    has none. Raises SruError when the server cannot be asked or answers badly."""
    timeout = TIMEOUT if timeout is None else timeout
    url = request_url(base_url, isbn, version)
    host = urllib.parse.urlsplit(base_url).netloc
    request = urllib.request.Request(url, headers={"Accept": "application/xml, text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MOST_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise SruError(f"The catalog server at {host} answered {error.code}.") from None
    except TimeoutError:
        raise SruError(
            f"The catalog server at {host} did not answer within {timeout:g} seconds."
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise SruError(
                f"The catalog server at {host} did not answer within {timeout:g} seconds."
            ) from None
        raise SruError(f"The catalog server at {host} could not be reached ({reason}).") from None
    if len(body) > MOST_BYTES:
        raise SruError(f"The catalog server at {host} sent more than a record's worth of data.")
    return parse(body, host)


def parse(body: bytes, host: str = "the server"):
    """The first record of a searchRetrieveResponse, or None when it found nothing."""
    head = body[:2048].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise SruError(f"The catalog server at {host} sent XML with a document type; refused.")
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise SruError(f"The catalog server at {host} did not answer with XML.") from None
    if _local(root.tag) != "searchRetrieveResponse":
        raise SruError(
            f"The catalog server at {host} did not answer with an SRU searchRetrieveResponse."
        )
    for element in root.iter():
        if _local(element.tag) == "diagnostic":
            message = " ".join(
                (child.text or "").strip()
                for child in element
                if _local(child.tag) in ("message", "details") and child.text
            )
            raise SruError(f"The catalog server at {host} refused the search: {message}.")
    for data in (e for e in root.iter() if _local(e.tag) == "recordData"):
        found = next((e for e in data if _local(e.tag) == "record"), None)
        if found is None and (data.text or "").strip().startswith("<"):
            # A server that sends the record as escaped text (recordPacking=string).
            try:
                inner = ET.fromstring(data.text.strip())
            except ET.ParseError:
                raise SruError(f"The record from {host} is not valid MARCXML.") from None
            found = next((e for e in inner.iter() if _local(e.tag) == "record"), None)
        if found is not None:
            return _record(found, host)
    return None


def _record(element, host: str):
    element = _namespaced(element)
    collection = (
        f'<collection xmlns="{MARC_NS}">'.encode() + ET.tostring(element) + b"</collection>"
    )
    try:
        records = pymarc.parse_xml_to_array(io.BytesIO(collection))
    except Exception:  # pymarc raises plain exceptions of several kinds for bad MARCXML
        raise SruError(f"The record from {host} is not valid MARCXML.") from None
    if not records or records[0] is None or not records[0].get_fields("245"):
        raise SruError(f"The record from {host} has no title (245).")
    return records[0]


def _namespaced(element):
    """A MARCXML record without its namespace (some servers leave it off) gets it."""
    for each in element.iter():
        if not each.tag.startswith("{"):
            each.tag = f"{{{MARC_NS}}}{each.tag}"
    return element
