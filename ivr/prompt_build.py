"""Turn the menus' prompt texts into the WAV files Asterisk plays.

Each prompt becomes ``<prompts_dir>/<lang>/<prompt_id>.wav``: 8 kHz, mono, 16-bit PCM (what
Asterisk plays by name without a transcoding step). The voice is espeak-ng's, resampled by
sox; a recording made by the desk replaces it: the prompt's ``files`` entry, or a file at
``<menu dir>/prompts/<lang>/<prompt_id>.wav`` (any rate/channels sox reads).

A sidecar ``<prompt_id>.wav.json`` holds the hash of what a file was made from (text, voice,
recording); a file whose sidecar matches is up to date and skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ivr.menu import Menu

VOICES = {"zh": "cmn", "en": "en-us"}  # espeak-ng voice per menu language
SPEED = {"zh": 150, "en": 150}  # words per minute: a little slower than espeak's 175
FORMAT = ("-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer")


class PromptBuildError(Exception):
    """A prompt could not be made; the message says which and why."""


@dataclass(frozen=True, slots=True)
class PromptJob:
    prompt_id: str
    language: str
    text: str
    target: Path
    recorded: Path | None  # a recording to use instead of the synthesized voice

    @property
    def voice(self) -> str:
        return VOICES.get(self.language, self.language)

    @property
    def sidecar(self) -> Path:
        return self.target.with_name(self.target.name + ".json")

    def fingerprint(self) -> str:
        source: dict[str, object] = {"text": self.text, "format": FORMAT}
        if self.recorded is not None:
            source["recorded"] = hashlib.sha256(self.recorded.read_bytes()).hexdigest()
        else:
            source.update(voice=self.voice, speed=SPEED.get(self.language, 150))
        blob = json.dumps(source, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def up_to_date(self) -> bool:
        if not self.target.is_file() or not self.sidecar.is_file():
            return False
        try:
            recorded = json.loads(self.sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(recorded, dict) and recorded.get("sha256") == self.fingerprint()


def plan(menus: Iterable[Menu], prompts_dir: Path) -> list[PromptJob]:
    """One job per prompt and language; the same id with two texts is an error."""
    jobs: dict[tuple[str, str], tuple[PromptJob, Menu]] = {}
    for menu in menus:
        for prompt in menu.all_prompts():
            for language, text in prompt.text.items():
                conventional = menu.source.parent / "prompts" / language / f"{prompt.id}.wav"
                recorded = prompt.files.get(language) or (
                    conventional if conventional.is_file() else None
                )
                target = prompts_dir / language / f"{prompt.id}.wav"
                job = PromptJob(prompt.id, language, text, target, recorded)
                seen = jobs.setdefault((prompt.id, language), (job, menu))
                if seen[0] != job:
                    raise PromptBuildError(
                        f"prompt '{prompt.id}' ({language}) differs between {seen[1].source} "
                        f"and {menu.source}: give one of them another id"
                    )
    return [job for job, _ in jobs.values()]


def build(job: PromptJob, *, force: bool = False) -> bool:
    """Make ``job.target``; False when it was up to date (and ``force`` not given)."""
    if not force and job.up_to_date():
        return False
    job.target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=job.target.parent, prefix=".build-") as tmp:
        raw, out = Path(tmp) / "raw.wav", Path(tmp) / "out.wav"
        if job.recorded is not None:
            _run(["sox", str(job.recorded), *FORMAT, str(out)], job)
        else:
            speak = ["espeak-ng", "-v", job.voice, "-s", str(SPEED.get(job.language, 150))]
            _run([*speak, "-w", str(raw)], job, stdin=job.text)
            _run(["sox", str(raw), *FORMAT, str(out), "norm", "-3"], job)
        os.replace(out, job.target)
    sidecar = {"sha256": job.fingerprint(), "text": job.text, "voice": job.voice}
    if job.recorded is not None:
        sidecar.update(voice="recorded", recorded=str(job.recorded))
    job.sidecar.write_text(json.dumps(sidecar, ensure_ascii=False, indent=1), encoding="utf-8")
    return True


def check_tools() -> None:
    for tool, package in (("espeak-ng", "espeak-ng"), ("sox", "sox")):
        if shutil.which(tool) is None:
            raise PromptBuildError(f"{tool} not found: apt-get install {package}")


def _run(argv: list[str], job: PromptJob, *, stdin: str | None = None) -> None:
    try:
        done = subprocess.run(
            argv, input=stdin, capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PromptBuildError(f"{job.language}/{job.prompt_id}: {argv[0]}: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        raise PromptBuildError(f"{job.language}/{job.prompt_id}: {argv[0]}: {detail}")
