"""The hostile-input corpus: files made to break the import doors (bombs, truncations, encodings,
control characters, boundary dates, wrong shapes), each with the line and the field its refusal
must name. Every file is built at test time from this module, so nothing large is kept in the
repository; the bombs are bounded (a gzip expanding to 50 MB shows the line bound holds).

New doors (Finvoice, camt.054, population changes) add their cases here: a door, a file name,
the line and field.
`python -m tests.hostile.corpus DIR GSRN` writes the corpus to DIR to try by hand.
"""

from __future__ import annotations

import datetime as dt
import gzip
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from rekisteri.adapters import finvoice as finvoice_module
from tests.support import finvoice

DATAHUB_HEADER = (
    "Mittauspisteen tunnus;Tuotteen tyyppi;Resoluutio;Yksikkötyyppi;Lukeman tyyppi;Alkuaika;"
    "Määrä;Laatu"
)
BAN_HEADER = "kind,last_name,first_names,street,postal_code,post_office,phone,registered_on"
BOMB_BYTES = 50 << 20  # what a bomb expands to
HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Ground:
    """What the register holds before a hostile file arrives: a metering point whose readings
    a good row may carry, and the ban file imported last."""

    gsrn: str
    today: dt.date  # in Helsinki

    @classmethod
    def now(cls, gsrn: str) -> Ground:
        return cls(gsrn, dt.datetime.now(HELSINKI).date())

    def row(self, start: str = "2025-01-01T00:00:00Z", **fields: str) -> str:
        values = {
            "gsrn": self.gsrn,
            "product": "8716867000030",
            "resolution": "PT15M",
            "unit": "kWh",
            "kind": "BN01",
            "start": start,
            "amount": "1,250",
            "quality": "OK",
        }
        values.update(fields)
        return ";".join(values.values())

    def good_rows(self, n: int) -> list[str]:
        first = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        return [
            self.row(f"{first + dt.timedelta(minutes=15 * i):%Y-%m-%dT%H:%M:%SZ}") for i in range(n)
        ]


def stored_bans() -> list[str]:
    """The ban file the register imported before: 10 postal and 10 phone bans."""
    postal = [f"postal,Virtanen,Anna {i},Kotikatu {i} A {i},00100,Helsinki,," for i in range(10)]
    phone = [f"phone,,,,,,040 123 45{i:02d},2025-01-01" for i in range(10)]
    return postal + phone


Build = Callable[[Path, Ground], None]

# camt.054 (payments): the namespace, a good entry, and what is wrong with each file.
CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
CAMT_ENTRY = (
    '<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    "<BookgDt><Dt>2026-11-30</Dt></BookgDt><AcctSvcrRef>H1</AcctSvcrRef><NtryDtls><TxDtls>"
    "<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties><RmtInf><Strd><CdtrRefInf>"
    "<Ref>1234561</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
)
CAMT053 = (
    b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
    b"<BkToCstmrStmt/></Document>"
)
# What goes before the document (on its own line, so the document starts on line 2).
PROLOGUES = {
    "xxe": '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    "laughs": (
        '<!DOCTYPE Document [<!ENTITY a "lollollollol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    ),
    "external-dtd": '<!DOCTYPE Document SYSTEM "http://example.com/camt.dtd">',
}
NAMES = {"long-name": "M" * 5000, "nul": "Ma\x00ija", "latin-1": "M\xe4kinen"}


def camt(damage: str) -> bytes:
    """A one-payment camt.054 file with the damage named: a prologue of PROLOGUES, a payer's
    name of NAMES, "deep" (elements nested 100 deep in the entry), "cut" (the first half)."""
    entry = CAMT_ENTRY.format(name=NAMES.get(damage, "Maija"))
    if damage == "deep":
        entry = "<Ntry>" + "<X>" * 100 + "</X>" * 100 + "</Ntry>"
    doc = (
        f'<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr>'
        f"<Ntfctn>{entry}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    )
    if damage == "cut":
        doc = doc[: len(doc) // 2]
    body = f"{PROLOGUES.get(damage, '')}\n{doc}"
    encoding = "latin-1" if damage == "latin-1" else "utf-8"
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode(encoding)


def population(last_name: str, encoding: str = "utf-8", code: str = "131052-308T") -> bytes:
    """A one-record change file of the population register, with the name (and code) given;
    the name is put in as written (a JSON escape stays one)."""
    record = (
        f'{{"identity_code": "{code}", "kind": "name", "date": "2026-03-01", '
        f'"first_names": "Maija", "last_name": "{last_name}"}}'
    )
    return f'{{"format": "population-changes/1", "changes": [{record}]}}'.encode(encoding)


@dataclass(frozen=True)
class Case:
    door: str  # the import command: `rekisteri import <door> FILE`
    file: str
    line: int | None  # None: any line (where a damaged gzip stream breaks off)
    field: str
    build: Build

    @property
    def id(self) -> str:
        return f"{self.door}-{self.file}"


def text(*lines: str, encoding: str = "utf-8", end: str = "\n") -> Build:
    def build(path: Path, _: Ground) -> None:
        path.write_bytes(end.join(lines).encode(encoding) + end.encode(encoding))

    return build


def raw(data: bytes) -> Build:
    def build(path: Path, _: Ground) -> None:
        path.write_bytes(data)

    return build


def datahub(*rows: Callable[[Ground], str] | str, header: str = DATAHUB_HEADER) -> Build:
    """A Datahub file of the header and rows (text, or made from the ground's metering point)."""

    def build(path: Path, ground: Ground) -> None:
        lines = [header] + [r if isinstance(r, str) else r(ground) for r in rows]
        path.write_bytes(("\n".join(lines) + "\n").encode())

    return build


def row(start: str = "2025-01-01T00:00:00Z", **fields: str) -> Callable[[Ground], str]:
    return lambda ground: ground.row(start, **fields)


def raw_field(index: int, data: bytes) -> Build:
    """The header, then a good row with field `index` given as raw bytes (not UTF-8, ...)."""

    def build(path: Path, ground: Ground) -> None:
        fields = [f.encode() for f in ground.row().split(";")]
        fields[index] = data
        path.write_bytes(DATAHUB_HEADER.encode() + b"\n" + b";".join(fields) + b"\n")

    return build


def gzip_bomb(prefix: str, fill: bytes) -> Build:
    """`prefix` then BOMB_BYTES of `fill` without a line end, compressed: about 50 KB on disk."""

    def build(path: Path, _: Ground) -> None:
        piece = fill * ((1 << 20) // len(fill))
        with gzip.open(path, "wb", compresslevel=9) as out:
            out.write(prefix.encode())
            for _ in range(BOMB_BYTES // len(piece)):
                out.write(piece)

    return build


def gzip_cut(keep: float) -> Build:
    """3,000 good rows gzipped, cut after `keep` of the compressed bytes: a broken download."""

    def build(path: Path, ground: Ground) -> None:
        whole = gzip.compress(
            ("\n".join([DATAHUB_HEADER, *ground.good_rows(3000)]) + "\n").encode()
        )
        path.write_bytes(whole[: int(len(whole) * keep)])

    return build


def gzip_flipped(path: Path, ground: Ground) -> None:
    """Good rows gzipped, with bytes in the middle of the compressed stream overwritten."""
    data = bytearray(
        gzip.compress(("\n".join([DATAHUB_HEADER, *ground.good_rows(3000)]) + "\n").encode())
    )
    middle = len(data) // 2
    data[middle : middle + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


def long_plain(prefix: str, size: int, fill: str = "9") -> Build:
    def build(path: Path, _: Ground) -> None:
        with path.open("wb") as out:
            out.write(prefix.encode())
            piece = (fill * (1 << 20)).encode()
            for _ in range(size >> 20):
                out.write(piece)
            out.write(b"\n")

    return build


def after_good_rows(n: int, last: Callable[[Ground], str]) -> Build:
    def build(path: Path, ground: Ground) -> None:
        lines = [DATAHUB_HEADER, *ground.good_rows(n), last(ground)]
        path.write_bytes(("\n".join(lines) + "\n").encode())

    return build


def days_ahead(days: int) -> Build:
    """A reading starting at 00:00 Helsinki time `days` after today (Helsinki)."""

    def build(path: Path, ground: Ground) -> None:
        local = dt.datetime.combine(ground.today + dt.timedelta(days=days), dt.time(0), HELSINKI)
        datahub(row(f"{local.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"))(path, ground)

    return build


def cut_row(ground: Ground) -> str:
    """A row broken off inside its start time, as a download cut short leaves it."""
    return ground.row("2025-01-02T00:00:00Z").rsplit(";", 2)[0][:-10]


def long_product(path: Path, ground: Ground) -> None:
    """A 10 MB product field on line 3, after a good row: far too long to keep or echo."""
    gsrn, _product, rest = ground.row("2025-01-01T00:15:00Z").split(";", 2)
    with path.open("wb") as out:
        out.write(f"{DATAHUB_HEADER}\n{ground.row()}\n{gsrn};".encode())
        out.write(b"8" * (10 << 20))
        out.write(f";{rest}\n".encode())


def bans(*rows: str, header: str = BAN_HEADER, encoding: str = "utf-8") -> Build:
    return text(header, *rows, encoding=encoding)


GSRN, PRODUCT, _, UNIT, KIND, START, AMOUNT, QUALITY = DATAHUB_HEADER.split(";")

# Finvoice: a good message of nobody the register knows (refused later, by its customer number,
# had the file been read that far), then the hostile part.
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Finvoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<Finvoice Version="3.0"><InvoiceDetails><InvoiceNumber>&x;</InvoiceNumber>'
    b"</InvoiceDetails></Finvoice>\n"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Finvoice SYSTEM "http://example.invalid/finvoice.dtd">\n'
    b'<Finvoice Version="3.0"/>\n'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Finvoice [<!ENTITY l0 "lol">'
    + b"".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">'.encode() for i in range(1, 10))
    + b']>\n<Finvoice Version="3.0">&l9;</Finvoice>\n'
)
CUT_MESSAGE = finvoice.batch(finvoice.message("1002"))[:-700]
LATIN_1_AS_UTF_8 = finvoice.batch(finvoice.message("1003")).replace(
    "Sähkö".encode(), "Sähkö".encode("latin-1")
)
LONG_NUMBER = finvoice.batch(finvoice.message("1" * (2 << 20), reference="20260001010"))


def finvoice_then(hostile: bytes) -> Build:
    return raw(finvoice.batch(finvoice.message("1001", customer="999999")) + hostile)


POSTAL = "postal,Virtanen,Anna,Kotikatu 1,00100,Helsinki,,"

CASES: tuple[Case, ...] = (
    # Datahub: compressed bombs and broken streams.
    Case("datahub", "line-bomb.csv.gz", 2, GSRN, gzip_bomb(DATAHUB_HEADER + "\n", b"7")),
    Case("datahub", "header-bomb.csv.gz", 1, "header", gzip_bomb("Mittauspisteen", b"A")),
    Case("datahub", "cut-short.csv.gz", None, "file", gzip_cut(0.6)),
    Case("datahub", "flipped.csv.gz", None, "file", gzip_flipped),
    Case("datahub", "not-gzip.csv.gz", 1, "file", raw(b"\x1f\x8bthis is not gzip\n")),
    Case("datahub", "cut-mid-row.csv", 4, AMOUNT, after_good_rows(2, cut_row)),
    # Datahub: lines and fields too long to echo or keep.
    Case("datahub", "long-product.csv", 3, PRODUCT, long_product),
    Case("datahub", "long-gsrn.csv", 2, GSRN, datahub(row(gsrn="6" * 1000))),
    Case("datahub", "long-kind.csv", 2, KIND, datahub(row(kind="A" * 200))),
    # Datahub: times at the edges of the calendar and of the plausible window.
    Case("datahub", "leap-second.csv", 2, START, datahub(row("2016-12-31T23:59:60Z"))),
    Case("datahub", "year-0001.csv", 2, START, datahub(row("0001-01-01T00:00:00Z"))),
    Case("datahub", "year-0000.csv", 2, START, datahub(row("0000-01-01T00:00:00Z"))),
    Case("datahub", "year-1900.csv", 2, START, datahub(row("1900-01-01T00:00:00Z"))),
    Case("datahub", "year-2099.csv", 2, START, datahub(row("2099-01-01T00:00:00Z"))),
    Case("datahub", "year-9999.csv", 2, START, datahub(row("9999-12-31T23:45:00Z"))),
    Case("datahub", "before-2000.csv", 2, START, datahub(row("1999-12-31T21:45:00Z"))),
    # A day past the window's end (the exact edge is a unit test): still past it should the
    # date turn in Helsinki between writing the file and the command's reading it.
    Case("datahub", "four-days-ahead.csv", 2, START, days_ahead(4)),
    Case("datahub", "february-30.csv", 2, START, datahub(row("2024-02-30T00:00:00Z"))),
    Case(
        "datahub",
        "late-leap-second.csv",
        1502,
        START,
        after_good_rows(1500, row("2016-12-31T23:59:60Z")),
    ),
    # Datahub: encodings and control characters.
    Case("datahub", "latin-1-row.csv", 2, UNIT, raw_field(3, b"kWh\xe4")),
    Case("datahub", "latin-1.csv", 1, "header", text(DATAHUB_HEADER, encoding="latin-1")),
    Case("datahub", "utf-16.csv", 1, "header", text(DATAHUB_HEADER, encoding="utf-16")),
    Case("datahub", "nul.csv", 2, AMOUNT, datahub(row(amount="1\x00,0"))),
    Case("datahub", "escape.csv", 2, QUALITY, datahub(row(quality="\x1b[2J\x1b[31mOK"))),
    Case("datahub", "bidi.csv", 2, QUALITY, datahub(row(quality="\u202eKO"))),
    Case("datahub", "product-escape.csv", 2, PRODUCT, datahub(row(product="\x1b[8m8716867000030"))),
    Case(
        "datahub",
        "cr-only.csv",
        1,
        "header",
        lambda p, g: text(DATAHUB_HEADER, g.row(), end="\r")(p, g),
    ),
    Case("datahub", "empty.csv", 1, "header", text("", end="")),
    # Datahub: wrong shapes and values.
    Case(
        "datahub",
        "seven-fields.csv",
        2,
        QUALITY,
        lambda p, g: datahub(g.row().rsplit(";", 1)[0])(p, g),
    ),
    Case("datahub", "nine-fields.csv", 2, "row", lambda p, g: datahub(g.row() + ";x")(p, g)),
    Case("datahub", "unaligned.csv", 2, START, datahub(row("2025-01-01T00:07:00Z"))),
    Case("datahub", "negative.csv", 2, AMOUNT, datahub(row(amount="-1,0"))),
    Case("datahub", "overflow.csv", 2, AMOUNT, datahub(row(amount="1000000,0"))),
    Case("datahub", "unknown-point.csv", 2, GSRN, datahub(row(gsrn="643000000000000000"))),
    # Bans: truncations that would re-enable marketing to people who opted out.
    Case("bans", "header-only.csv", 1, "file", bans()),
    Case("bans", "zero-bytes.csv", 1, "header", text("", end="")),
    Case("bans", "half.csv", 11, "file", bans(*stored_bans()[:10])),
    Case("bans", "cut-mid-row.csv", 21, "first_names", bans(*stored_bans()[:19], "postal,Virta")),
    # Bans: wrong shapes.
    Case("bans", "seven-fields.csv", 2, "registered_on", bans(POSTAL[:-1])),
    Case("bans", "nine-fields.csv", 2, "row", bans(POSTAL + ",x")),
    Case(
        "bans",
        "duplicate-column.csv",
        1,
        "header",
        bans(POSTAL, header=BAN_HEADER.replace("post_office", "kind")),
    ),
    Case(
        "bans",
        "quoted-newline.csv",
        2,
        "last_name",
        bans('postal,"Virta', 'nen",Anna,Kotikatu 1,00100,Helsinki,,'),
    ),
    Case("bans", "cr-only.csv", 1, "header", text(BAN_HEADER, POSTAL, end="\r")),
    # Bans: encodings, control characters, long values.
    Case(
        "bans",
        "latin-1.csv",
        2,
        "last_name",
        bans(POSTAL.replace("Virtanen", "Mäkinen"), encoding="latin-1"),
    ),
    Case("bans", "utf-16.csv", 1, "header", bans(POSTAL, encoding="utf-16")),
    Case("bans", "nul.csv", 2, "street", bans(POSTAL.replace("Kotikatu", "Koti\x00katu"))),
    Case("bans", "escape.csv", 2, "last_name", bans(POSTAL.replace("Virtanen", "\x1b[2JV"))),
    Case("bans", "bidi.csv", 2, "first_names", bans(POSTAL.replace("Anna", "\u202eannA"))),
    Case("bans", "long-phone.csv", 2, "phone", bans("phone,,,,,," + "9" * 3000 + ",")),
    Case("bans", "long-line.csv", 2, "street", long_plain(BAN_HEADER + "\npostal,A,B,", 8 << 20)),
    # Bans: dates.
    Case("bans", "future.csv", 2, "registered_on", bans(POSTAL + "2999-01-01")),
    Case("bans", "year-0000.csv", 2, "registered_on", bans(POSTAL + "0000-01-01")),
    Case("bans", "february-29.csv", 2, "registered_on", bans(POSTAL + "2023-02-29")),
    # Finvoice: XML that would expand, reach outside or break the parser; refused whole.
    Case("invoices", "xxe.xml", 1, "DOCTYPE", raw(XXE)),
    Case("invoices", "external-dtd.xml", 1, "DOCTYPE", raw(EXTERNAL_DTD)),
    Case("invoices", "billion-laughs.xml", 2, "DOCTYPE", finvoice_then(BILLION_LAUGHS)),
    Case("invoices", "cut-mid-message.xml", 2, "XML", finvoice_then(CUT_MESSAGE)),
    Case("invoices", "latin-1-as-utf-8.xml", 1, "XML", raw(LATIN_1_AS_UTF_8)),
    Case(
        "invoices",
        "nul.xml",
        1,
        "XML",
        raw(finvoice.batch(finvoice.message("1\x00", reference="20260001010"))),
    ),
    Case(
        "invoices", "another-root.xml", 2, "Finvoice", finvoice_then(b"<?xml version='1.0'?><x/>")
    ),
    Case("invoices", "long-number.xml", 1, "Finvoice", raw(LONG_NUMBER)),
    Case(
        "invoices",
        "bidi-number.xml",
        1,
        finvoice_module.E_NUMBER,
        raw(finvoice.batch(finvoice.message("\u202e1001", reference="20260001010"))),
    ),
    # Payments (camt.054): XML that must never be expanded, fetched or believed, refused whole.
    Case("payments", "xxe.xml", None, "file", raw(camt("xxe"))),
    Case("payments", "billion-laughs.xml", None, "file", raw(camt("laughs"))),
    Case("payments", "external-dtd.xml", None, "file", raw(camt("external-dtd"))),
    Case("payments", "camt053.xml", None, "file", raw(CAMT053)),
    Case("payments", "no-namespace.xml", None, "file", raw(b"<Document><Ntry/></Document>")),
    Case("payments", "deep.xml", None, "file", raw(camt("deep"))),
    Case("payments", "long-name.xml", None, "file", raw(camt("long-name"))),
    Case("payments", "empty.xml", 1, "file", text("", end="")),
    Case("payments", "csv.xml", 1, "file", text(DATAHUB_HEADER)),
    Case("payments", "cut-short.xml", 2, "file", raw(camt("cut"))),
    Case("payments", "nul.xml", 2, "file", raw(camt("nul"))),
    Case("payments", "latin-1.xml", 2, "file", raw(camt("latin-1"))),
    # Population register's changes (JSON): refused whole, naming the record and field.
    Case("population", "not-json.json", None, "file", text(DATAHUB_HEADER)),
    Case("population", "latin-1.json", None, "file", raw(population("Mäki", "latin-1"))),
    Case("population", "deep.json", None, "file", raw(b"[" * 100_000 + b"]" * 100_000)),
    Case(
        "population",
        "repeated-key.json",
        None,
        "changes",
        raw(b'{"format": "population-changes/1", "changes": [], "changes": []}'),
    ),
    Case("population", "nul.json", 1, "last_name", raw(population("M\\u0000aki"))),
    Case("population", "bidi.json", 1, "last_name", raw(population("\u202eikaM"))),
    Case("population", "long-name.json", 1, "last_name", raw(population("M" * 5000))),
    Case("population", "bad-code.json", 1, "identity_code", raw(population("Mäki", code="X"))),
)


def write_corpus(folder: Path, ground: Ground) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES:
        path = folder / case.door / case.file
        path.parent.mkdir(exist_ok=True)
        case.build(path, ground)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target, gsrn = Path(sys.argv[1]), sys.argv[2]
    for written in write_corpus(target, Ground.now(gsrn)):
        print(written)
