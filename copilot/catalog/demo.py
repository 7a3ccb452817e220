"""The demo catalog shipped with copilot, and loading it into the store.

Two catalogs live in ``vectorstore/catalogs/``, each in its own folder with its licence:

- ``elizabethan/songs.jsonl``: 234 public-domain song lyrics (1588-1622) from Project
  Gutenberg eBook #27129 (ed. A. H. Bullen); the composer is taken from the song-book name.
- ``mtg_jamendo/moodtheme.tsv``: the MTG-Jamendo mood/theme annotations with genres and
  instruments (CC BY-NC-SA 4.0); titles and artist names are not in the dataset, so a track
  shows as "Untitled (Jamendo N)" by "Unknown artist (Jamendo M)" with its jamendo.com link.

:func:`build_demo_files` regenerates both files from the raw data (a maintainer step);
:func:`load_demo` imports them into the store (idempotent: unchanged songs are skipped).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from copilot import atomic
from copilot.catalog.importer import parse_catalog
from copilot.catalog.naming import entry_names
from copilot.catalog.store import Progress, SongStore
from copilot.errors import CatalogError
from copilot.settings import VECTORSTORE_DIR

CATALOGS_DIR = VECTORSTORE_DIR / "catalogs"
DEMO_FILES = (CATALOGS_DIR / "elizabethan" / "songs.jsonl", CATALOGS_DIR / "mtg_jamendo" / "moodtheme.tsv")
MTG_LICENSE = "CC BY-NC-SA 4.0 (MTG-Jamendo, Bogdanov et al. 2019)"
PD_LICENSE = "Public domain in the USA (Project Gutenberg eBook #27129)"


def composer_of(source: str) -> str:
    """The composer named in a song-book title.

    >>> composer_of("JOHN DOWLAND's Second Book of Songs or Airs, 1600")
    'John Dowland'
    >>> composer_of("THOMAS WEELKES' Ballets and Madrigals, 1598")
    'Thomas Weelkes'
    """
    match = re.match(r"^([A-Z][A-Z .,&-]+?)(?:'s|')\s", source) or re.match(r"^([A-Z][A-Z .&-]+?)\s+and\s", source)
    if not match:
        return "Anonymous"
    return " ".join(w.capitalize() if w.isupper() else w for w in match.group(1).strip().split())


def elizabethan_rows(raw_jsonl: Path) -> list[dict[str, Any]]:
    """Shipped rows for the Elizabethan lyrics (only the lyric texts; no Gutenberg header/footer)."""
    rows = []
    for line in raw_jsonl.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        rows.append(
            {
                "id": item["id"],
                "title": item["title"],
                "artist": composer_of(item.get("source", "")),
                "lyrics": item["lyrics"],
                "year": item.get("year"),
                "source": item.get("source", ""),
                "url": "https://www.gutenberg.org/ebooks/27129",
                "license": PD_LICENSE,
            }
        )
    return rows


def mtg_rows(raw_tsv: Path) -> list[dict[str, str]]:
    """Shipped rows for MTG-Jamendo: id, title "Untitled (Jamendo N)", artist "Unknown artist (Jamendo M)"
    (:func:`copilot.catalog.naming.entry_names`), tags, url, split."""
    rows = []
    with raw_tsv.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle, delimiter="\t"):
            number = int(r["track_id"].split("_")[-1])
            title, artist = entry_names(r["track_id"], "", r["artist_id"])
            rows.append(
                {
                    "id": r["track_id"],
                    "title": title,
                    "artist": artist,
                    "moods": r["moods"],
                    "genres": r["genres"],
                    "instruments": r["instruments"],
                    "url": f"https://www.jamendo.com/track/{number}",
                    "license": MTG_LICENSE,
                    "album": r["album_id"],
                    "duration_s": r["duration_s"],
                    "split0": r["split0"],
                }
            )
    return rows


def build_demo_files(shared_data: Path) -> list[Path]:
    """Write the shipped catalog files from the raw data folder (``/work/shared/data`` layout)."""
    eliz = elizabethan_rows(shared_data / "lyrics_public_domain" / "elizabethan_songbook_lyrics.jsonl")
    atomic.write_text(DEMO_FILES[0], "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in eliz))
    mtg = mtg_rows(shared_data / "mtg_jamendo" / "moodtheme_catalog.tsv")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(mtg[0]), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(mtg)
    atomic.write_text(DEMO_FILES[1], buf.getvalue())
    return list(DEMO_FILES)


def load_demo(store: SongStore, analyzer: Any = None, progress: Progress | None = None) -> dict[str, int]:
    """Import the shipped catalogs into ``store`` (call inside ``store.writing()``); idempotent."""
    totals = {"added": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    for path in DEMO_FILES:
        if not path.is_file():
            raise CatalogError(f"demo catalog {path} is missing; the checkout is incomplete")
        parsed = parse_catalog(path)
        counts = store.add_songs(parsed.songs, analyzer, progress)
        for key, value in counts.items():
            totals[key] += value
        totals["rejected"] += len(parsed.errors)
    return totals


if __name__ == "__main__":  # maintainer step: python -m copilot.catalog.demo /work/shared/data
    import sys

    for written in build_demo_files(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")):
        print(written)
