"""``callcenter transcribe FILE...``: transcribe recordings from the command line.

Prints each file's text (or, with ``--json``, one JSON object per line and file:
``path, duration, text, segments, redacted, flags``). A progress bar over the audio
seconds of all files goes to stderr. A file that cannot be transcribed is reported
(``{"path", "error"}`` in JSON) and the command exits 1 after the others.

``--eval REFERENCES`` scores the output: REFERENCES is one UTF-8 TSV file of
``filename<TAB>reference text`` lines (blank lines and ``#`` comments skipped). A TSV
rather than a .txt beside each WAV: one file is easy to keep with a test set and to
review, and it works for recordings in read-only spool folders. ``filename`` matches
the path as given on the command line, or its file name. WER and CER per file and pooled
over all files are printed (JSON: ``wer``/``cer`` in each object and a last object
``{"overall": {...}}``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from recordings.audio import TranscriptionError, wav_info
from recordings.model import LoadedModel, ModelError, load_model_from_settings
from recordings.redaction import DEFAULT_KEYWORDS, Language, find_flags, redact
from recordings.scoring import ErrorCount, char_errors, total, word_errors
from recordings.transcriber import SPEAKERS, Speaker, Transcript, transcribe_file


def read_references(path: Path) -> dict[str, str]:
    """``filename -> text`` from a TSV file; a malformed line stops with its number."""
    references: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, tab, text = line.partition("\t")
        if not tab or not name.strip():
            raise click.ClickException(f"{path}:{number}: expected filename<TAB>text")
        references[name.strip()] = text.strip()
    return references


def _reference_for(references: dict[str, str], path: Path) -> str | None:
    for key in (str(path), path.name):
        if key in references:
            return references[key]
    return None


def _load_model() -> LoadedModel:
    from callcenter.config import ConfigError, load_settings

    try:
        return load_model_from_settings(load_settings())
    except (ConfigError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc


def _result(
    path: Path, transcript: Transcript, language: Language, keywords: tuple[str, ...]
) -> dict[str, Any]:
    text = transcript.text
    return {
        "path": str(path),
        "duration": round(transcript.duration, 3),
        "text": text,
        "segments": [s.to_dict() for s in transcript.segments],
        "redacted": redact(text, language=language),
        "flags": [
            {"keyword": f.keyword, "start": f.start, "end": f.end, "text": f.text}
            for f in find_flags(text, keywords)
        ],
    }


def _rates(words: ErrorCount, chars: ErrorCount) -> str:
    return f"WER {100 * words.rate:.1f}% CER {100 * chars.rate:.1f}%"


@click.command("transcribe")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file and line.")
@click.option(
    "--eval",
    "references_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TSV of filename<TAB>reference text: print WER and CER.",
)
@click.option(
    "--speaker",
    type=click.Choice(SPEAKERS),
    default="mixed",
    show_default=True,
    help="Who speaks in these files (one leg of a call, or both mixed).",
)
@click.option(
    "--labels",
    "language",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the redaction labels ([电话] or [phone]).",
)
@click.option(
    "--keyword",
    "keywords",
    multiple=True,
    help="A word to flag (repeatable); default: " + ", ".join(DEFAULT_KEYWORDS),
)
def transcribe_command(
    files: tuple[Path, ...], as_json: bool, references_path: Path | None, speaker: Speaker,
    language: Language, keywords: tuple[str, ...],
) -> None:  # fmt: skip
    """Transcribe WAV recordings (mono 16-bit PCM, any rate) with the Vosk model."""
    references = read_references(references_path) if references_path else None
    keywords = keywords or DEFAULT_KEYWORDS
    seconds: dict[Path, float] = {}
    for path in files:
        try:
            seconds[path] = wav_info(path).duration
        except TranscriptionError:
            seconds[path] = 0.0  # reported when its turn comes
    model = _load_model()
    failed = 0
    scores: list[tuple[ErrorCount, ErrorCount]] = []
    centiseconds = max(1, round(100 * sum(seconds.values())))
    with click.progressbar(length=centiseconds, file=sys.stderr, label="transcribing") as bar:
        for index, path in enumerate(files, 1):
            bar.label = f"{index}/{len(files)} {path.name}"
            bar.render_progress()
            try:
                transcript = transcribe_file(
                    path, model=model, speaker=speaker,
                    on_progress=lambda s: bar.update(round(100 * s)),
                )  # fmt: skip
            except TranscriptionError as exc:
                failed += 1
                if as_json:
                    click.echo(json.dumps({"path": str(path), "error": str(exc)},
                                          ensure_ascii=False))  # fmt: skip
                else:
                    click.echo(f"error: {exc}", err=True)
                continue
            result = _result(path, transcript, language, keywords)
            if references is not None:
                reference = _reference_for(references, path)
                if reference is None:
                    click.echo(f"warning: no reference for {path}", err=True)
                else:
                    counts = word_errors(reference, result["text"]), char_errors(
                        reference, result["text"])  # fmt: skip
                    scores.append(counts)
                    result["wer"], result["cer"] = counts[0].rate, counts[1].rate
            if as_json:
                click.echo(json.dumps(result, ensure_ascii=False))
            else:
                click.echo(f"{path}\t{result['text']}")
                if "wer" in result:
                    click.echo(f"{path}\t{_rates(*scores[-1])}")
    if references is not None and scores:
        words, chars = total(s[0] for s in scores), total(s[1] for s in scores)
        if as_json:
            overall = {"files": len(scores), "wer": words.rate, "cer": chars.rate,
                       "word_edits": words.edits, "words": words.length,
                       "char_edits": chars.edits, "chars": chars.length}  # fmt: skip
            click.echo(json.dumps({"overall": overall}))
        else:
            click.echo(f"overall ({len(scores)} files)\t{_rates(words, chars)}")
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} files could not be transcribed")
