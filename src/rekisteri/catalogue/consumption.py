"""The personal-data catalogue of consumption readings (P1 "energy consumption", P2 "energy
meters"): the readings (in day blocks), the replaced values of corrected readings, and the
imported files."""

from __future__ import annotations

from rekisteri.catalogue.model import Attribute, Storage, TableSpec
from rekisteri.catalogue.retention import READINGS
from rekisteri.domain.vocabulary import Category, LawfulBasis, Purpose, Source, Words

USES = frozenset(
    {
        Purpose.CUSTOMER_RELATIONSHIP,
        Purpose.SERVICE_DELIVERY,
        Purpose.BILLING_AND_COLLECTION,
        Purpose.PROFILING,
        Purpose.BUSINESS_DEVELOPMENT,
    }
)
METER = frozenset({Source.ENERGY_METER})
# A reading belongs to whoever held a contract at the point's site when its interval started;
# services.consumption.attributed_points applies the contract periods (this path cannot).
THROUGH_CONTRACT = (
    "metering_point_id",
    "metering_point.id",
    "metering_point.site_id",
    "contract.site_id",
    "contract.person_id",
)

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        key="reading_block.readings",
        table="reading_block",
        columns=(
            "day",
            "resolution",
            "start_ts",
            "slots",
            "wh",
            "quality",
            "readings",
            "missing",
            "wh_sum",
            "night_wh",
            "peak_start",
            "peak_wh",
        ),
        category=Category.CONSUMPTION,
        purposes=USES,
        basis=LawfulBasis.CONTRACT,
        sources=METER,
        retention=READINGS,
        words=Words(
            "sähkönkulutuksen mittauslukemat (aika, määrä, laatu)",
            "mätvärden för elförbrukningen (tid, mängd, kvalitet)",
            "metered electricity consumption (time, amount, quality)",
        ),
    ),
    Attribute(
        key="reading_correction.replaced_reading",
        table="reading_correction",
        columns=("ts", "wh", "quality", "resolution", "replaced_at"),
        category=Category.CONSUMPTION,
        purposes=frozenset({Purpose.CUSTOMER_RELATIONSHIP, Purpose.BILLING_AND_COLLECTION}),
        basis=LawfulBasis.CONTRACT,
        sources=METER,
        retention=READINGS,
        words=Words(
            "korjattujen mittauslukemien aiemmat arvot",
            "tidigare värden för korrigerade mätvärden",
            "earlier values of corrected readings",
        ),
    ),
)

# What the archive's consumption job found (services/archive/totals): computed by the register
# from the readings, kept and erased as they are.


def _measured(key: str, columns: tuple[str, ...], words: Words) -> Attribute:
    return Attribute(
        key=key,
        table=key.split(".")[0],
        columns=columns,
        category=Category.CONSUMPTION,
        purposes=frozenset({Purpose.CUSTOMER_RELATIONSHIP, Purpose.PROFILING}),
        basis=LawfulBasis.CONTRACT,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=READINGS,
        words=words,
    )


ATTRIBUTES += (
    _measured(
        "consumption_month.totals",
        (
            "month",
            "gsrn",
            "wh",
            "readings",
            "missing",
            "night_wh",
            "peak_start",
            "peak_wh",
            "computed_at",
        ),
        Words(
            "kuukausittainen sähkönkulutus mittauspisteittäin (yhteensä, yöaikaan, suurin "
            "tunti, lukemien määrä), laskettu mittauslukemista",
            "månatlig elförbrukning per mätpunkt (totalt, nattetid, högsta timmen, antal "
            "mätvärden), beräknad ur mätvärdena",
            "monthly electricity consumption per metering point (in all, at night, the highest "
            "hour, number of readings), computed from the readings",
        ),
    ),
    _measured(
        "consumption_peak.peak_hour",
        ("hour_start", "wh", "computed_at"),
        Words(
            "suurimman kulutuksen tunti ja sen kulutus, laskettu mittauslukemista",
            "timmen med högst förbrukning och dess förbrukning, beräknad ur mätvärdena",
            "the hour of highest consumption and its consumption, computed from the readings",
        ),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec("consumption_month", frozenset({"person_id", "metering_point_id"}), ("person_id",)),
    TableSpec("consumption_peak", frozenset({"person_id"}), ("person_id",)),
    # file_id and slot_files name the Datahub file each reading came from: provenance (P2).
    TableSpec(
        "reading_block", frozenset({"metering_point_id", "file_id", "slot_files"}), THROUGH_CONTRACT
    ),
    TableSpec(
        "reading_correction",
        frozenset({"id", "metering_point_id", "file_id", "replaced_by_file_id"}),
        THROUGH_CONTRACT,
    ),
    TableSpec(
        "datahub_file",
        frozenset(
            {
                "id",
                "sha256",
                "name",
                "size_bytes",
                "rows",
                "readings_new",
                "readings_corrected",
                "imported_at",
                "imported_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="the imported files themselves: names, hashes and counts",
    ),
    TableSpec(
        "reading_archive",
        frozenset({"id", "root", "recorded_at", "recorded_by"}),
        None,
        personal=False,
        why_not_personal="the readings archive's directory, when and by which job it was recorded",
    ),
    TableSpec(
        "archive_undo",
        frozenset({"token", "at"}),
        None,
        personal=False,
        why_not_personal="random names of the archive's undo sets, and when each was made",
    ),
)

# The readings archive (services/archive, docs/archive.md): the readings' history and the
# person-to-point periods in columnar files, for fleet-wide jobs past one database.
STORAGES: tuple[Storage, ...] = (
    Storage(
        key="reading_archive",
        category=Category.CONSUMPTION,
        attributes=("reading_block.readings",),
        words=Words(
            "Mittauslukemien historia ja tieto siitä, kenen sopimuskauteen kukin mittauspiste "
            "kuului, säilytetään myös pakattuina tiedostoina (lukema-arkisto) laajojen "
            "kulutusanalyysien tekemiseksi. Samat säilytysajat ja poistot koskevat myös "
            "arkistoa, ja saat arkiston lukemat tarkastuspyyntösi vastauksessa.",
            "Mätvärdenas historik och uppgiften om vems avtalsperiod varje mätpunkt hörde "
            "till sparas också som komprimerade filer (mätvärdesarkiv) för omfattande "
            "förbrukningsanalyser. Samma lagringstider och raderingar gäller också arkivet, "
            "och du får arkivets mätvärden i svaret på din begäran om insyn.",
            "The history of meter readings, and whose contract period each metering point "
            "belonged to, are also kept as compressed files (the readings archive) for "
            "analyses of consumption across all customers. The same retention periods and "
            "erasures apply to the archive, and your access request's answer includes its "
            "readings.",
        ),
    ),
)
