"""The key file is written through a temporary file of a random name, created exclusively: a
link planted at a name known in advance would otherwise receive the register's keys."""

from __future__ import annotations

from pathlib import Path

from rekisteri.adapters.crypto import Keyring, load_keyring, write_key_file


def test_a_link_planted_at_the_old_temporary_name_receives_no_keys(tmp_path: Path) -> None:
    victim = tmp_path / "readable-by-all.txt"
    victim.write_text("not a key\n")
    key_file = tmp_path / "rekisteri.keys"
    (tmp_path / "rekisteri.keys.tmp").symlink_to(victim)
    keyring = Keyring.generate()
    write_key_file(keyring, key_file)
    assert victim.read_text() == "not a key\n"
    assert load_keyring(None, key_file).to_json() == keyring.to_json()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "readable-by-all.txt",
        "rekisteri.keys",
        "rekisteri.keys.tmp",
    ]
