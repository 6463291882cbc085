"""Meter readings: import from Datahub, attribution to contract periods, retention."""
