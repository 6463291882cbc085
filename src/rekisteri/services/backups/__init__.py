"""Backups that keep the promises: an encrypted copy of the register (copies.py) and a restore
that applies again every erasure and retention run recorded after the copy was taken
(reapply.py, from services/erasure_journal.py), so a restore never brings an erased person back.
"""
