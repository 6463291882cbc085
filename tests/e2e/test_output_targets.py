"""Where a command writes its file is the staff member's choice, but never the register's own
files, never through a symbolic link, and never through a name someone could plant a link at:
`--out` onto the database, its WAL or the key file is refused with exit 2 and the reason, and
nothing is recorded; a link planted at a temporary name receives nothing."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from rekisteri.adapters.schema.disclosure import disclosure
from rekisteri.adapters.schema.register import call_recording
from rekisteri.catalogue import Purpose
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import disclosures
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.support.cli_login import with_login
from tests.support.people import make_customer

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
STAFF = Actor("tester", purpose=Purpose.LEGAL_OBLIGATION)
VICTIM_TEXT = "someone else's file\n"

Run = Callable[..., Result]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "rekisteri.keys"
    path.parent.mkdir()
    path.write_text("{}")  # stands for the register's keys; only its place matters here
    return path


@pytest.fixture
def run(settings: Settings, key_file: Path) -> Run:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "REKISTERI_KEY_FILE": str(key_file),
        }
    )

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env)

    return invoke


def database_of(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def disclosures_recorded(register: RegisterApp) -> int:
    with register.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(disclosure)).scalar_one())


def recipients_and_a_recording(register: RegisterApp) -> int:
    with register.unit_of_work(STAFF) as uow:
        for name, kind, purposes in (
            ("Asiakastieto", "credit_reference", list(Purpose)),
            ("Perintä", "collection_agency", list(Purpose)),
            ("Konserni", "subsidiary", list(Purpose)),
            ("Poliisi", "authority", [Purpose.LEGAL_OBLIGATION]),
            ("Tutkimus", "research_institute", list(Purpose)),
        ):
            disclosures.add_recipient(uow, name, kind, "FI", purposes)
    person_id = add_person(register)
    with register.unit_of_work(STAFF) as uow:
        recording: int = uow.execute(
            call_recording.insert().values(
                person_id=person_id,
                recorded_at=uow.now(),
                duration_seconds=60,
                file_ref="recordings/1.opus",
                source="customer_contact",
                received_at=uow.now(),
            )
        ).inserted_primary_key[0]
    return recording


def every_out_command(recording: int, person: int) -> dict[str, list[str]]:
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    return {
        "audience": ["audience", "--channel", "letter", "--purpose", "own_marketing"],
        "campaign": ["campaign", "send", "K", "--channel", "letter", "--purpose", "own_marketing"],
        "asiakastieto": ["disclose", "asiakastieto", "--recipient", "Asiakastieto"],
        "collection": ["disclose", "collection", "--recipient", "Perintä"],
        "group-marketing": ["disclose", "group-marketing", "--recipient", "Konserni"],
        "authority": [
            "disclose", "authority", "--recipient", "Poliisi", "--reference", "P-1",
            "--request", "contact details", "--person", str(person), "--category", "contact",
        ],
        "recordings": [
            "disclose", "recordings", "--recipient", "Tutkimus", "--recording", str(recording),
            "--study", "s", "--due", due,
        ],
    }  # fmt: skip


def audience(run: Run, out: Path) -> Result:
    return run("audience", "--channel", "letter", "--purpose", "own_marketing", "--out", str(out))


@pytest.mark.parametrize(
    "command",
    [
        "audience",
        "campaign",
        "asiakastieto",
        "collection",
        "group-marketing",
        "authority",
        "recordings",
    ],
)
def test_no_command_writes_over_the_database(
    register: RegisterApp, settings: Settings, run: Run, command: str
) -> None:
    recording = recipients_and_a_recording(register)
    person = add_person(register)
    database = database_of(settings)
    before = database.read_bytes()[:16]
    result = run(*every_out_command(recording, person)[command], "--out", str(database))
    assert result.exit_code == 2, result.output
    assert f"{database} is the register's database file" in " ".join(result.output.split())
    assert database.read_bytes()[:16] == before == b"SQLite format 3\x00"
    assert disclosures_recorded(register) == 0  # no file, no record


@pytest.mark.parametrize(
    ("target", "what"),
    [
        (lambda db, key: Path(f"{db}-wal"), "the register's database write-ahead log"),
        (lambda db, key: Path(f"{db}-shm"), "the register's database shared-memory index"),
        (lambda db, key: Path(f"{db}-auditlock"), "the register's audit lock file"),
        (lambda db, key: db.parent / "other" / ".." / db.name, "the register's database file"),
        (lambda db, key: key, "the register's key file"),
    ],
    ids=["wal", "shm", "auditlock", "other-spelling", "key-file"],
)
def test_nor_over_the_files_beside_it_or_the_key_file(
    register: RegisterApp,
    settings: Settings,
    key_file: Path,
    run: Run,
    target: Callable[[Path, Path], Path],
    what: str,
) -> None:
    add_person(register)
    database = database_of(settings)
    (database.parent / "other").mkdir()
    out = target(database, key_file)
    key_before = key_file.read_text()
    result = audience(run, out)
    assert result.exit_code == 2, result.output
    assert f"{out} is {what}; not written over" in " ".join(result.output.split())
    assert key_file.read_text() == key_before
    assert database.read_bytes()[:16] == b"SQLite format 3\x00"


def test_nor_over_a_hard_link_to_the_database(
    register: RegisterApp, settings: Settings, run: Run, tmp_path: Path
) -> None:
    add_person(register)
    database = database_of(settings)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "kirje.csv"
    os.link(database, link)
    result = audience(run, link)
    assert result.exit_code == 2, result.output
    assert "is the register's database file" in result.output
    assert os.path.samefile(link, database)


def test_a_symbolic_link_as_the_target_is_refused(
    register: RegisterApp, run: Run, tmp_path: Path
) -> None:
    add_person(register)
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM_TEXT)
    out = tmp_path / "kirje.csv"
    out.symlink_to(victim)
    result = audience(run, out)
    assert result.exit_code == 2, result.output
    assert f"{out} is a symbolic link" in " ".join(result.output.split())
    assert out.is_symlink() and victim.read_text() == VICTIM_TEXT


def test_a_missing_directory_is_named(register: RegisterApp, run: Run, tmp_path: Path) -> None:
    add_person(register)
    result = audience(run, tmp_path / "nowhere" / "kirje.csv")
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'nowhere'} is not a directory" in " ".join(result.output.split())


def test_a_link_planted_at_a_temporary_name_receives_nothing(
    register: RegisterApp, run: Run, tmp_path: Path
) -> None:
    add_person(register)
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM_TEXT)
    out = tmp_path / "lists" / "kirje.csv"
    out.parent.mkdir()
    (out.parent / ".kirje.csv.tmp").symlink_to(victim)  # the name the writer used to use
    result = audience(run, out)
    assert result.exit_code == 0, result.output
    assert victim.read_text() == VICTIM_TEXT
    assert out.read_text().startswith("id,customer_number,name,street")
    assert sorted(p.name for p in out.parent.iterdir()) == [".kirje.csv.tmp", "kirje.csv"]


def test_request_answers_refuse_a_planted_link_and_a_file_as_their_directory(
    register: RegisterApp, settings: Settings, run: Run, tmp_path: Path
) -> None:
    c = make_customer(register)
    made = run(
        "request", "new", c.customer_number, "--kind", "portability", "--received-how", "in_person"
    )
    reference = made.output.split(":")[0]
    assert run("request", "verify", reference, "--how", "identity_document").exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM_TEXT)
    answer = tmp_path / "answer"
    answer.mkdir()
    (answer / f"portability-{reference}.json").symlink_to(victim)
    refused = run("request", "fulfil", reference, "--out", str(answer), "--no-pdf")
    assert refused.exit_code == 2, refused.output
    assert "is a symbolic link" in refused.output
    assert victim.read_text() == VICTIM_TEXT
    database = database_of(settings)
    not_a_directory = run("request", "fulfil", reference, "--out", str(database), "--no-pdf")
    assert not_a_directory.exit_code == 2, not_a_directory.output
    assert f"{database} is not a directory" in " ".join(not_a_directory.output.split())
    (answer / f"portability-{reference}.json").unlink()
    done = run("request", "fulfil", reference, "--out", str(answer), "--no-pdf")
    assert done.exit_code == 0, done.output  # the refusals recorded nothing: it is still open
    assert (answer / f"portability-{reference}.json").read_text().startswith("{")
