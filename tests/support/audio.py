"""Test audio made with the standard library: a WAV file whose samples are a pattern no other
file holds, so a test can look for its plaintext on disk."""

from __future__ import annotations

import hashlib
import io
import wave


def wav_bytes(seconds: float = 1.0, *, rate: int = 16000, seed: bytes = b"call") -> bytes:
    """Mono 16-bit PCM; the samples are a hash stream (never silence, never repeated)."""
    frames = int(seconds * rate)
    pcm = bytearray()
    block = seed
    while len(pcm) < 2 * frames:
        block = hashlib.sha256(block).digest()
        pcm += block
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(pcm[: 2 * frames]))
    return out.getvalue()


def marker_of(audio: bytes) -> bytes:
    """A distinctive run of the audio's samples (from its middle) to search the disk for."""
    middle = len(audio) // 2
    return audio[middle : middle + 48]
