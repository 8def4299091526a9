"""A return the reader must refuse: reason code, where (sheet, row, column) and why (zh / en),
and who the return says it is from when its cover was read (``identity``: the cover's code and
name, which the quarantine resolves to a township).

Picklable by value, and convertible to plain data (:meth:`Refusal.as_dict`), so a
process-pool worker never hands an exception object back.
"""

from __future__ import annotations

from dataclasses import dataclass

IDENTITY_FIELDS = ("division_code", "unit_name")  # the cover's fields that say whose a return is


class Refusal(Exception):
    """A return the reader must refuse; carries where and why, in Chinese and English."""

    def __init__(self, code: str, zh: str, en: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None,
                 identity: dict | None = None):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en
        self.sheet, self.row, self.column = sheet, row, column
        self.identity = identity

    def with_identity(self, cover: dict) -> Refusal:
        """This refusal, carrying the cover's 统计用区划代码 and 填报单位 (what
        :meth:`civstat.ingest.identity.Divisions.resolve` reads): a return refused after its
        cover was read is recorded with its township. The first cover given is kept."""
        if self.identity is None:
            self.identity = {k: cover.get(k) for k in IDENTITY_FIELDS}
        return self

    def __reduce__(self):
        """Pickle by value (a process-pool worker may hand one back)."""
        return _rebuild_refusal, (self.as_dict(),)

    def as_dict(self) -> dict:
        """Plain data: what a worker returns instead of the exception object."""
        return {"code": self.code, "zh": self.zh, "en": self.en, "sheet": self.sheet,
                "row": self.row, "column": self.column, "identity": self.identity}

    @classmethod
    def from_dict(cls, d: dict) -> Refusal:
        return cls(d["code"], d["zh"], d["en"], sheet=d.get("sheet"), row=d.get("row"),
                   column=d.get("column"), identity=d.get("identity"))

    def where_zh(self) -> str:
        parts = [self.sheet or "", f"第{self.row}行" if self.row else "",
                 f"[{self.column}]" if self.column else ""]
        return " ".join(p for p in parts if p)

    def where_en(self) -> str:
        parts = [self.sheet or "", f"row {self.row}" if self.row else "",
                 f"[{self.column}]" if self.column else ""]
        return " ".join(p for p in parts if p)


def _rebuild_refusal(d: dict) -> Refusal:
    return Refusal.from_dict(d)


@dataclass(frozen=True)
class Finding:
    """Something the reader noticed that does not refuse the return: a recognised cell whose
    value could not be read (an optional field), a unit it had to infer. Stored in
    ``raw.findings`` and shown in the quality report; never a silent NULL."""

    code: str
    zh: str
    en: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
