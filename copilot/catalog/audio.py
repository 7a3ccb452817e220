"""Audio files -> songs: find them, hash them, read tags and analyse them in child processes under limits.

Untrusted audio never reaches a decoder in this process. A pool of worker processes
(:mod:`copilot.catalog.audio_child`, one per core) each run with an address-space
limit; every file gets a wall-time limit (the worker is killed and replaced when it is
passed) and a CPU-time limit, and only its first :attr:`AudioLimits.max_seconds` are
decoded. A file that fails, hangs or crashes its worker becomes one :class:`FileError`
naming it; the import goes on with the rest.

Re-import is idempotent: a song's id is derived from the sha256 of the file's bytes, so a
file already in the store (under any name or path) is skipped before any decoding, and two
copies of the same file in one folder are imported once.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from copilot.catalog.audio_analysis import DEFAULT_PROFILE, KEY_PROFILES
from copilot.catalog.records import AudioFeatures, Song, song_from_mapping
from copilot.errors import CatalogError
from copilot.theory import Key, respell

AUDIO_SUFFIXES = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".mp3"})
MAX_FILES = 200_000
"""Most audio files one import takes (a larger folder is refused: import it in parts)."""
ID_PREFIX = "audio-"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
"""The folder that holds the ``copilot`` package (the worker's working directory)."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AudioLimits:
    """Caps for one untrusted audio file: size (bytes), seconds decoded, channels, the
    worker's wall time and CPU time per file (s), its address space (bytes), and how long a
    worker may take to start (loading librosa)."""

    max_bytes: int = 2_000_000_000
    max_seconds: float = 120.0
    max_channels: int = 8
    timeout_s: float = 60.0
    cpu_s: int = 60
    memory_bytes: int = 3 << 30
    start_timeout_s: float = 180.0
    profile: str = DEFAULT_PROFILE


@dataclass(frozen=True)
class FileError:
    """A file that could not be imported, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class AudioImport:
    """The songs read, the files refused, the files skipped as already stored, the copies."""

    songs: list[Song]
    errors: list[FileError]
    skipped: list[Path]
    duplicates: list[Path]
    files: int


def is_audio(path: Path) -> bool:
    """True when the name ends in an audio suffix we import."""
    return path.suffix.lower() in AUDIO_SUFFIXES


def find_audio_files(root: Path, limit: int = MAX_FILES) -> list[Path]:
    """Audio files under ``root`` (or ``root`` itself), sorted; symlinked folders are not followed."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise CatalogError(f"{root} is neither a file nor a folder")
    found: list[Path] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if is_audio(path) and path.is_file():
                found.append(path)
                if len(found) > limit:
                    raise CatalogError(f"{root} holds more than {limit:,} audio files; import it in parts")
    return found


def file_sha256(path: Path, max_bytes: int) -> str:
    """sha256 of the file's bytes; CatalogError when it is larger than ``max_bytes`` or unreadable."""
    digest = hashlib.sha256()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CatalogError(f"it is {size:,} bytes (limit {max_bytes:,})")
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise CatalogError(f"cannot read it: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def audio_song_id(digest: str) -> str:
    """The song id of an audio file: stable, from its content hash."""
    return ID_PREFIX + digest[:24]


def spell_tonic(pc: int, mode: str) -> str:
    """The usual spelling of a key's tonic: the one whose signature has fewer accidentals.

    >>> [spell_tonic(pc, "major") for pc in (1, 3, 6, 8, 10)], spell_tonic(1, "minor"), spell_tonic(8, "minor")
    (['Db', 'Eb', 'F#', 'Ab', 'Bb'], 'C#', 'G#')
    """
    sharp, flat = respell(pc, prefer_flats=False), respell(pc, prefer_flats=True)
    return min((sharp, flat), key=lambda name: (abs(Key(name, mode).sharps), name != sharp))


_YEAR = re.compile(r"^\s*(\d{4})")


def song_from_reply(path: Path, digest: str, reply: dict[str, Any]) -> Song:
    """The song for one analysed file (tags validated like any catalog row; title falls back to the file name)."""
    try:
        tags = {str(k): str(v) for k, v in dict(reply["tags"]).items()}
        m = reply["measured"]
        mode = str(m["mode"])
        if mode not in ("major", "minor"):
            raise ValueError(mode)
        audio = AudioFeatures(
            tempo_bpm=float(m["tempo_bpm"]),
            tonic=spell_tonic(int(m["tonic_pc"]), mode),
            mode=mode,
            loudness_db=float(m["loudness_db"]),
            energy=float(m["energy"]),
            duration_s=float(reply["duration_s"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"the analyser's answer was malformed ({exc})") from exc
    year = _YEAR.match(tags.get("year", ""))
    genres = [g.strip() for g in re.split(r"[;,/]", tags.get("genre", "")) if g.strip()]
    row: dict[str, Any] = {
        "id": audio_song_id(digest),
        "title": tags.get("title", "").strip() or path.stem,
        "artist": tags.get("artist", ""),
        "genres": genres,
        "year": year.group(1) if year else None,
        "lyrics": tags.get("lyrics", ""),
        "album": tags.get("album", ""),
    }
    return replace(song_from_mapping(row), audio=audio, source=str(path.resolve()))


NUMBA_CACHE = Path(tempfile.gettempdir()) / "copilot-numba-cache"
"""Where the children keep librosa's compiled numba code: our own folder, not site-packages, where
two children compiling at once left a cache that crashed every later child (seen in a fresh venv)."""
_START_LOCK = threading.Lock()


class AudioWorker:
    """One child process (started on first use, replaced after a crash or a hang)."""

    def __init__(self, limits: AudioLimits) -> None:
        if limits.profile not in KEY_PROFILES:
            raise CatalogError(f"unknown key profile {limits.profile!r}")
        self.limits = limits
        self.proc: subprocess.Popen[bytes] | None = None
        self._buf = b""
        self._log: IO[bytes] | None = None

    def _start(self) -> None:
        lim = self.limits
        # -E -s: no PYTHON* variables, no user site; run from the folder holding the package (found
        # whether or not it is installed); the child gets absolute paths
        cmd = [sys.executable, "-E", "-s", "-m", "copilot.catalog.audio_child",
               str(lim.memory_bytes), str(lim.max_seconds), str(lim.max_channels), lim.profile]  # fmt: skip
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "NUMBA_NUM_THREADS": "1", "NUMBA_CACHE_DIR": str(NUMBA_CACHE)}  # fmt: skip
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the child; closed in close())
        with _START_LOCK:  # one child compiles librosa's numba code and fills the cache; the next ones read it
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env, cwd=PACKAGE_ROOT
            )
            self._buf = b""
            ready = self._read_line(lim.start_timeout_s)
        if ready != b'{"ready": true}':
            tail = self._stderr_tail()
            self.close()
            raise CatalogError(f"the audio analyser did not start: {tail or 'no answer'}")

    def _stderr_tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", errors="replace").strip().splitlines()
        return lines[-1][:200] if lines else ""

    def _read_line(self, timeout_s: float) -> bytes | None:
        """One line from the child; None after ``timeout_s``; b"" when the child has gone."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b""
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.strip()

    def run(self, path: Path) -> dict[str, Any] | FileError:
        """The child's answer for one file, or a FileError when it failed, hung or crashed.
        Raises CatalogError only when no worker can be started at all."""
        if self.proc is None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            request = {"path": os.path.abspath(path), "cpu_s": self.limits.cpu_s}
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            line: bytes | None = b""
        else:
            line = self._read_line(self.limits.timeout_s)
        if line is None:
            self.close()
            return FileError(path, f"reading it took longer than {self.limits.timeout_s:g} s (stopped)")
        if not line:
            code = self.proc.wait()
            self.close()
            if code == -signal.SIGXCPU:
                return FileError(path, f"reading it went over the CPU limit ({self.limits.cpu_s} s)")
            return FileError(path, f"the decoder crashed on it or went over the memory limit (exit {code})")
        reply = json.loads(line)
        if "error" in reply:
            return FileError(path, str(reply["error"]))
        return dict(reply["ok"])

    def close(self) -> None:
        """End the child (if any)."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None


def analyse_files(
    items: Sequence[tuple[Path, str]],
    limits: AudioLimits,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterable[tuple[Path, str, dict[str, Any] | FileError]]:
    """Analyse (path, sha256) pairs on ``workers`` child processes (default: every core), in order."""
    n = max(1, min(workers or os.cpu_count() or 1, len(items) or 1))
    idle: queue.Queue[AudioWorker] = queue.Queue()
    pool = [AudioWorker(limits) for _ in range(n)]
    for w in pool:
        idle.put(w)
    done, lock = [0], threading.Lock()

    def one(item: tuple[Path, str]) -> tuple[Path, str, dict[str, Any] | FileError]:
        worker = idle.get()
        try:
            result = worker.run(item[0])
        finally:
            idle.put(worker)
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], len(items))
        return item[0], item[1], result

    try:
        with ThreadPoolExecutor(max_workers=n) as ex:
            yield from ex.map(one, items)
    finally:
        for w in pool:
            w.close()


def import_audio(
    paths: Sequence[Path],
    stored: Callable[[list[str]], Collection[str]],
    limits: AudioLimits | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AudioImport:
    """Hash ``paths``, skip those whose id ``stored`` already knows, analyse the rest into songs."""
    limits = limits or AudioLimits()
    errors: list[FileError] = []
    digests: dict[str, tuple[Path, str]] = {}
    duplicates: list[Path] = []
    for path in paths:
        try:
            digest = file_sha256(path, limits.max_bytes)
        except CatalogError as exc:
            errors.append(FileError(path, exc.message))
            continue
        if audio_song_id(digest) in digests:
            duplicates.append(path)
        else:
            digests[audio_song_id(digest)] = (path, digest)
    known = set(stored(list(digests)))
    skipped = [p for sid, (p, _) in digests.items() if sid in known]
    todo = [item for sid, item in digests.items() if sid not in known]
    songs: list[Song] = []
    for path, digest, result in analyse_files(todo, limits, workers, progress):
        if isinstance(result, FileError):
            errors.append(result)
            continue
        try:
            songs.append(song_from_reply(path, digest, result))
        except CatalogError as exc:
            errors.append(FileError(path, exc.message))
    return AudioImport(songs, errors, skipped, duplicates, len(paths))
