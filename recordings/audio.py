"""Read a PCM WAV file and resample it to the model's rate, block by block.

Resampling uses ``scipy.signal.resample_poly`` (a polyphase FIR low-pass filter). Measured
on this project's machines (8 kHz phone audio to 16 kHz): about 14 ms per minute of audio,
under 0.1 % of the recognizer's time (real-time factor about 0.7), so a cheaper resampler
would buy nothing. Linear interpolation (``numpy.interp``) is no faster (19 ms per minute)
and leaves images of the 0-4 kHz band in 4-8 kHz (a 1 kHz tone's image at 7 kHz is -28 dB;
-75 dB with the polyphase filter), where the model's filterbank (up to 7.6 kHz) sees them.
``audioop`` is deprecated and gone in Python 3.13.

Long recordings are read and resampled in blocks of about 10 s with some context on both
sides, trimmed away after filtering, so memory stays bounded and the samples match those
of resampling the whole file at once (to within one unit of rounding).
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.signal import resample_poly

BLOCK_SECONDS = 10


class TranscriptionError(Exception):
    """A file cannot be transcribed: the message names the file and the reason."""


@dataclass(frozen=True)
class WavInfo:
    path: Path
    sample_rate: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def wav_info(path: Path) -> WavInfo:
    """The header of a mono 16-bit PCM WAV, or TranscriptionError saying what is wrong."""
    with _open_wav(path) as wav:
        return WavInfo(path, wav.getframerate(), wav.getnframes())


def _open_wav(path: Path) -> wave.Wave_read:
    try:
        wav = wave.open(str(path), "rb")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        raise TranscriptionError(f"{path}: no such file") from None
    except (wave.Error, EOFError, RuntimeError, struct.error) as exc:
        # wave raises EOFError for a cut header, RuntimeError for a chunk running past
        # the end of the file, struct.error for a short format chunk.
        reason = str(exc) or ("truncated header" if isinstance(exc, EOFError) else "bad chunks")
        raise TranscriptionError(f"{path}: not a readable WAV file ({reason})") from None
    except OSError as exc:
        raise TranscriptionError(f"{path}: cannot read ({exc.strerror or exc})") from None
    problems = []
    if wav.getcomptype() != "NONE":
        problems.append(f"compressed ({wav.getcompname()})")
    if wav.getnchannels() != 1:
        problems.append(f"{wav.getnchannels()} channels")
    if wav.getsampwidth() != 2:
        problems.append(f"{8 * wav.getsampwidth()}-bit samples")
    if wav.getframerate() < 4000:
        problems.append(f"sample rate {wav.getframerate()} Hz")
    if problems:
        wav.close()
        raise TranscriptionError(
            f"{path}: unsupported WAV ({', '.join(problems)}); need mono 16-bit PCM, "
            f"e.g. `sox {path.name} -c 1 -b 16 -e signed-integer out.wav`"
        )
    return wav


def _read_blocks(wav: wave.Wave_read, path: Path, block: int) -> Iterator[npt.NDArray[np.int16]]:
    expected = wav.getnframes()
    read = 0
    while True:
        data = wav.readframes(block)
        if not data:
            break
        if len(data) % 2:
            data = data[:-1]
        read += len(data) // 2
        yield np.frombuffer(data, dtype="<i2")
    if read < expected:
        raise TranscriptionError(
            f"{path}: truncated WAV (header says {expected} samples, file has {read})"
        )


def resample(samples: npt.NDArray[np.int16], up: int, down: int) -> npt.NDArray[np.int16]:
    """Polyphase resampling by ``up/down`` of 16-bit samples, rounded and clipped."""
    if up == down:
        return samples
    out: npt.NDArray[np.float32] = resample_poly(samples.astype(np.float32), up, down)
    return np.clip(np.rint(out), -32768, 32767).astype(np.int16)


def _resample_blocks(
    blocks: Iterator[npt.NDArray[np.int16]], up: int, down: int, context: int
) -> Iterator[npt.NDArray[np.int16]]:
    """Resample consecutive blocks as one signal: each block filtered with ``context``
    samples of its neighbours (a multiple of ``down``, so the output phases line up)."""
    left = np.zeros(0, dtype=np.int16)
    current = next(blocks, None)
    while current is not None:
        following = next(blocks, None)
        right = following[:context] if following is not None else np.zeros(0, dtype=np.int16)
        out = resample(np.concatenate((left, current, right)), up, down)
        start = len(left) * up // down
        stop = start + math.ceil(len(current) * up / down)
        yield out[start:stop]
        left = np.concatenate((left, current))[-context:]
        current = following


def read_resampled(path: Path, rate: int) -> tuple[WavInfo, Iterator[bytes]]:
    """The file's header and its audio at ``rate`` Hz as little-endian 16-bit bytes.

    Header problems raise at once; a file that turns out truncated raises while iterating.
    """
    wav = _open_wav(path)
    info = WavInfo(path, wav.getframerate(), wav.getnframes())
    divisor = math.gcd(rate, info.sample_rate)
    up, down = rate // divisor, info.sample_rate // divisor
    # Whole multiples of `down`, so each block's output starts on a whole output sample.
    context = down * math.ceil(64 * max(up, down) / up / down)
    block = down * max(1, (BLOCK_SECONDS * info.sample_rate) // down)

    def generate() -> Iterator[bytes]:
        with wav:
            for out in _resample_blocks(_read_blocks(wav, path, block), up, down, context):
                yield out.astype("<i2").tobytes()

    return info, generate()
