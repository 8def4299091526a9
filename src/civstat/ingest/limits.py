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

The zip directory of an ordinary workbook (no archive comment, no ZIP64 records) is read
straight from its end records with ``struct``; anything else goes through :mod:`zipfile`, which
also words the refusal of a corrupt one.
"""

from __future__ import annotations

import os
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from civstat.ingest.refusal import Refusal
from civstat.ingest.workbook import WORKBOOK_SUFFIXES

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
        if fh.read(4) != ZIP_MAGIC:
            return
        directory = _zip_directory(fh, size)
    if directory is None:  # not an ordinary zip: zipfile reads it, or words why it cannot
        directory = _zipfile_directory(path)
    names, unpacked = directory
    missing = [n for n in XLSX_REQUIRED if n not in names]
    if missing:
        raise Refusal("unreadable", f"是压缩包但不是Excel工作簿(缺少 {missing[0]})",
                      f"a zip archive but not an Excel workbook (no {missing[0]})")
    if unpacked > MAX_UNPACKED.bytes():
        raise _too_large("解压后大小", "unpacked size", unpacked, MAX_UNPACKED)


def _zipfile_directory(path: Path) -> tuple[set[str], int]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Refusal("unreadable", f"压缩包已损坏或不完整,无法作为工作簿打开:{type(exc).__name__}",
                      f"corrupt or truncated zip, cannot be opened as a workbook: "
                      f"{type(exc).__name__}") from None
    return {i.filename for i in infos}, sum(i.file_size for i in infos)


_END = struct.Struct("<4s4H2LH")          # end of central directory (22 bytes)
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory entry (46 bytes)
_ZIP64_LOCATOR = b"PK\x06\x07"


def _zip_directory(fh, size: int) -> tuple[set[str], int] | None:
    """Member names and total unpacked size from the central directory, as :mod:`zipfile`
    reads them — or None when the archive is not an ordinary one (a comment, ZIP64 records,
    anything zipfile would refuse or read another way), for :mod:`zipfile` to read."""
    if size < _END.size + 20:
        return None
    fh.seek(size - _END.size - 20)
    tail = fh.read(_END.size + 20)
    if len(tail) != _END.size + 20 or tail[:4] == _ZIP64_LOCATOR:
        return None
    sig, _, _, _, _, size_cd, _, comment = _END.unpack_from(tail, 20)
    start = size - _END.size - size_cd  # zipfile: the directory's offset + concat
    if sig != b"PK\x05\x06" or comment or start < 0:
        return None
    fh.seek(start)
    data = fh.read(size_cd)
    if len(data) != size_cd:
        return None
    names, unpacked, at = set(), 0, 0
    while at < size_cd:
        if at + _ENTRY.size > size_cd:
            return None
        entry = _ENTRY.unpack_from(data, at)
        extract, file_size, n_name, n_extra, n_comment = entry[3], *entry[11:15]
        end = at + _ENTRY.size + n_name + n_extra + n_comment
        if (entry[0] != b"PK\x01\x02" or end > size_cd or extract > zipfile.MAX_EXTRACT_VERSION
                or not _plain_extra(data, at + _ENTRY.size + n_name, n_extra)):
            return None
        raw = data[at + _ENTRY.size:at + _ENTRY.size + n_name]
        if not raw.isascii() or b"\x00" in raw:
            return None
        names.add(raw.decode("ascii"))
        unpacked += file_size
        at = end
    return names, unpacked


def _plain_extra(data: bytes, at: int, length: int) -> bool:
    """The extra field is well formed and holds no ZIP64 sizes."""
    end = at + length
    while end - at >= 4:
        kind, n = struct.unpack_from("<HH", data, at)
        if kind == 0x0001 or at + 4 + n > end:
            return False
        at += 4 + n
    return True


def check_files(files: list[Path]) -> None:
    for f in files:
        check_file(f)
