"""Size limits checked before a return is parsed, so one file cannot exhaust the machine.

Settings (environment variables, megabytes = 2^20 bytes; a non-positive or unreadable value
falls back to the default):

``CIVSTAT_MAX_FILE_MB`` (default 50)
    largest file accepted on disk (workbook or CSV). A township return is a few dozen KB.
``CIVSTAT_MAX_UNPACKED_MB`` (default 200)
    largest total unpacked size of an ``.xlsx`` / ``.xlsm`` (a zip archive): the sum of its
    members' declared sizes (``ZipInfo.file_size``), read from the zip directory before
    calamine opens the file. A 1 MB workbook whose ``sharedStrings.xml`` unpacks to 1 GiB is
    refused here instead of taking gigabytes of memory.

A file over a limit is refused with reason ``too_large``, naming the measured size and the
setting. A file that is a zip archive but not a workbook (no ``xl/workbook.xml``), or a
truncated or corrupt zip, is refused as ``unreadable``.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from civstat.ingest.reader import WORKBOOK_SUFFIXES, Refusal

MB = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
XLSX_REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Setting:
    name: str
    default_mb: int

    def bytes(self) -> int:
        try:
            value = float(os.environ.get(self.name, "") or self.default_mb)
        except ValueError:
            value = self.default_mb
        return int((value if value > 0 else self.default_mb) * MB)


MAX_FILE = Setting("CIVSTAT_MAX_FILE_MB", 50)
MAX_UNPACKED = Setting("CIVSTAT_MAX_UNPACKED_MB", 200)
SETTINGS = (MAX_FILE, MAX_UNPACKED)


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


def _too_large(what_zh: str, what_en: str, size: int, setting: Setting) -> Refusal:
    limit = setting.bytes()
    return Refusal("too_large",
                   f"{what_zh} {_mb(size)} 超过上限 {_mb(limit)}(设置 {setting.name})",
                   f"{what_en} {_mb(size)} exceeds the limit of {_mb(limit)} (setting {setting.name})")


def check_file(path: Path) -> None:
    """Raise :class:`Refusal` when ``path`` is over a limit or a zip that is not a workbook."""
    size = path.stat().st_size
    if size > MAX_FILE.bytes():
        raise _too_large("文件大小", "file size", size, MAX_FILE)
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == ZIP_MAGIC:
        _check_zip(path)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Refusal("unreadable", f"压缩包已损坏或不完整,无法作为工作簿打开:{type(exc).__name__}",
                      f"corrupt or truncated zip, cannot be opened as a workbook: "
                      f"{type(exc).__name__}") from None
    names = {i.filename for i in infos}
    missing = [n for n in XLSX_REQUIRED if n not in names]
    if missing:
        raise Refusal("unreadable", f"是压缩包但不是Excel工作簿(缺少 {missing[0]})",
                      f"a zip archive but not an Excel workbook (no {missing[0]})")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED.bytes():
        raise _too_large("解压后大小", "unpacked size", unpacked, MAX_UNPACKED)


def check_files(files: list[Path]) -> None:
    for f in files:
        check_file(f)
