"""A second process that writes reports beside this one (:func:`civstat.report.writers.side_process`).

``python -m civstat.report.side`` imports the writers (matplotlib, python-docx: ~1.5 s) at once,
then reads jobs from stdin — a pickled ``(report, format, out_dir)`` after its length (8 bytes,
big-endian) — and answers each on the same kind of frame with ``("ok", path)`` or ``("error",
message)``. A plain child process, not :mod:`multiprocessing`: a spawned multiprocessing child
re-runs the parent's main script, and a bureau's own script without the ``__main__`` guard would
then run twice (or fail). Anything the writers print goes to stderr: stdout carries the frames.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

_LENGTH = 8


def send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_LENGTH, "big") + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next frame's object; EOFError when the other side has gone."""
    head = stream.read(_LENGTH)
    if len(head) < _LENGTH:
        raise EOFError("side process closed its pipe")
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("side process closed its pipe mid-frame")
    return pickle.loads(data)


class SideProcess:
    """The parent's end: start the child, hand it jobs, collect the answers in the same order."""

    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])  # the folder holding civstat/
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen([sys.executable, "-m", "civstat.report.side"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def submit(self, report, fmt: str, out_dir: Path) -> None:
        """Hand the child a job (it starts at once); OSError when the child is gone."""
        send(self.proc.stdin, (report, fmt, str(out_dir)))

    def result(self) -> Path:
        """The file of the job handed over first and not yet collected; EOFError when the child
        has gone, RuntimeError when the writer failed there (as it would have here)."""
        status, value = receive(self.proc.stdout)
        if status != "ok":
            raise RuntimeError(f"报告写入失败 / writing the report failed: {value}")
        return Path(value)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> None:
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, not into the frames
    frames_in = sys.stdin.buffer
    import docx  # noqa: F401
    import matplotlib.figure  # noqa: F401

    from civstat.report import writers

    while True:
        try:
            report, fmt, out_dir = receive(frames_in)
        except EOFError:
            return
        try:
            answer = ("ok", str(writers.write(report, fmt, Path(out_dir))))
        except Exception as exc:  # noqa: BLE001 — reported to the parent, which raises it
            answer = ("error", f"{type(exc).__name__}: {exc}")
        send(frames_out, answer)


if __name__ == "__main__":
    main()
