"""Rendering never touches the network: the Chromium that kaleido starts for the PDF's vector
charts runs inside a network namespace with no network (``unshare -n``) and under
``strace -f``; it must draw the chart, and no process may look a name up (DNS) or connect to
anything but loopback.

One exception, checked narrowly: Chromium's IPv6 reachability probe ``connect()``s a UDP socket
to 2001:4860:4860::8888 — that only asks the kernel for a route and sends nothing; a datagram on
that socket would fail the test."""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from civstat.report.chromium import CHROMIUM_FLAGS, _chromium

pytestmark = pytest.mark.slow  # starts Chromium

STRACE = shutil.which("strace")
IPV6_PROBE = ipaddress.ip_address("2001:4860:4860::8888")  # Chromium's kIPv6ProbeAddress
SYSCALLS = "execve,socket,connect,sendto,sendmsg,sendmmsg,close"

RENDER = """
from civstat.report import charts as ch
from civstat.report.chromium import SvgRenderer
chart = ch.trend_chart("t", "城乡低保人数", ["2024Q1", "2024Q2"], {"城市低保": [529, 531]})
with SvgRenderer() as renderer:
    svg = renderer.svg(chart)
assert "<svg" in svg and "main-svg" in svg, svg[:200]
print("SVG-OK", len(svg))
"""


def _no_network_prefix() -> list[str] | None:
    """``unshare -n`` (as root) or ``unshare --net --map-root-user``, whichever works here."""
    if not shutil.which("unshare"):
        return None
    for prefix in (["unshare", "-n"], ["unshare", "--net", "--map-root-user"]):
        ok = subprocess.run([*prefix, "true"], capture_output=True, check=False).returncode == 0
        if ok:
            return prefix
    return None


UNSHARE = _no_network_prefix()


# -- reading an strace -f log ------------------------------------------------------------------
LINE = re.compile(r"^(\d+)\s+(.*)$")
CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)")
ADDR4 = re.compile(r'sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
ADDR6 = re.compile(r'sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"')


def merged_calls(log: str) -> list[tuple[int, str, str, str]]:
    """(pid, syscall, args, result) with ``<unfinished ...>`` / ``<... resumed>`` joined."""
    pending: dict[int, str] = {}
    calls = []
    for raw in log.splitlines():
        m = LINE.match(raw)
        if not m:
            continue
        pid, rest = int(m[1]), m[2]
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest.removesuffix("<unfinished ...>")
            continue
        resumed = re.match(r"^<\.\.\. \w+ resumed>(.*)$", rest)
        if resumed:
            rest = pending.pop(pid, "") + resumed[1]
        c = CALL.match(rest)
        if c:
            calls.append((pid, c[1], c[2], c[3]))
    return calls


def _address(args: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int] | None:
    m = ADDR4.search(args) or ADDR6.search(args)
    return (ipaddress.ip_address(m[2]), int(m[1])) if m else None


@dataclass
class Trace:
    programs: list[str] = field(default_factory=list)  # execve'd argv, as strace printed them
    violations: list[str] = field(default_factory=list)
    probes: int = 0


def check_trace(log: str) -> Trace:
    """Every lookup or connection to a non-loopback address is a violation (bar the probe)."""
    out = Trace()
    dgram: set[tuple[int, str]] = set()  # (pid, fd) of UDP sockets
    probe_fds: set[tuple[int, str]] = set()
    for pid, name, args, result in merged_calls(log):
        fd = args.split(",", 1)[0].strip()
        if name == "execve" and result == "0":
            out.programs.append(args)
        elif name == "socket" and "SOCK_DGRAM" in args and result.isdigit():
            dgram.add((pid, result))
        elif name == "close":
            dgram.discard((pid, fd))
            probe_fds.discard((pid, fd))
        elif name == "connect":
            addr = _address(args)
            if addr is None:  # AF_UNIX, AF_NETLINK …: local
                continue
            ip, port = addr
            if port == 53:
                out.violations.append(f"DNS: pid {pid} connect({args})")
            elif ip == IPV6_PROBE and (pid, fd) in dgram:
                probe_fds.add((pid, fd))
                out.probes += 1
            elif not ip.is_loopback:
                out.violations.append(f"pid {pid} connect({args})")
        elif name in ("sendto", "sendmsg", "sendmmsg"):
            addr = _address(args)
            if (pid, fd) in probe_fds:
                out.violations.append(f"data on the IPv6 probe socket: pid {pid} {name}({args})")
            elif addr and (addr[1] == 53 or not addr[0].is_loopback):
                out.violations.append(f"pid {pid} {name}({args})")
    return out


def traced_run(code: str, tmp: Path) -> tuple[subprocess.CompletedProcess, Trace | None]:
    """Run ``python -c code`` without network (if unshare works) and under strace (if any)."""
    log = tmp / "strace.log"
    cmd = [sys.executable, "-c", code]
    if STRACE:
        cmd = [STRACE, "-f", "-qq", "-s", "512", "-e", f"trace={SYSCALLS}", "-e", "signal=none",
               "-o", str(log), *cmd]
    if UNSHARE:
        cmd = [*UNSHARE, *cmd]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False)
    return res, (check_trace(log.read_text(errors="replace")) if STRACE else None)


# -- the tests ----------------------------------------------------------------------------------
@pytest.mark.skipif(_chromium() is None, reason="chromium not installed (BROWSER_PATH)")
@pytest.mark.skipif(STRACE is None and UNSHARE is None,
                    reason="neither strace nor a working unshare (network namespace) here")
def test_chart_rendering_makes_no_network_attempt(tmp_path):
    res, trace = traced_run(RENDER, tmp_path)
    assert res.returncode == 0 and "SVG-OK" in res.stdout, res.stderr[-3000:]
    if trace is None:  # unshare only: the chart was drawn with no network at all
        return
    # the browser process itself (its zygote, renderers, … carry --type=)
    names = {"chromium", "chromium-browser", "chrome", "google-chrome"}
    browsers = [p for p in trace.programs
                if Path(p.split(",", 1)[0].strip('"')).name in names and '"--type=' not in p]
    assert browsers, "strace never saw Chromium start"
    for launched in browsers:
        missing = [flag for flag in CHROMIUM_FLAGS if f'"{flag}"' not in launched]
        assert not missing, f"Chromium started without {missing}: {launched[:2000]}"
    assert trace.violations == [], "\n".join(trace.violations[:20])


@pytest.mark.skipif(STRACE is None, reason="strace not installed (Debian package: strace)")
def test_trace_check_catches_a_lookup(tmp_path):
    """The check above is not vacuous: a plain DNS lookup under the same tracing is caught."""
    code = ("import socket\ntry:\n    socket.getaddrinfo('civstat-check.example', 80)\n"
            "except OSError:\n    pass\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
            "try:\n    s.connect(('192.0.2.1', 443))\nexcept OSError:\n    pass\n")
    res, trace = traced_run(code, tmp_path)
    assert res.returncode == 0, res.stderr
    assert trace is not None
    assert any("192.0.2.1" in v for v in trace.violations), trace.violations
    if Path("/etc/resolv.conf").exists() and "nameserver" in Path("/etc/resolv.conf").read_text():
        assert any(v.startswith("DNS:") for v in trace.violations), trace.violations


PROBE_SOCKET = "10 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = {fd}"
PROBE_CONNECT = ('10 connect({fd}, {{sa_family=AF_INET6, sin6_port=htons(443), '
                 'sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", '
                 '&sin6_addr), sin6_scope_id=0}}, 28) = 0')
UNIX_CONNECT = '11 connect(5, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0'
LOOPBACK_CONNECT = ('12 connect(7, {sa_family=AF_INET, sin_port=htons(9), '
                    'sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)')
REMOTE_CONNECT = ('13 connect(4, {sa_family=AF_INET, sin_port=htons(443), '
                  'sin_addr=inet_addr("142.250.1.1")}, 16 <unfinished ...>')
REMOTE_RESUMED = "13 <... connect resumed>) = -1 ENETUNREACH (Network is unreachable)"


def test_trace_parser_allows_only_a_silent_ipv6_probe():
    quiet = [PROBE_SOCKET.format(fd=18), PROBE_CONNECT.format(fd=18), "10 close(18) = 0",
             UNIX_CONNECT, LOOPBACK_CONNECT]
    trace = check_trace("\n".join(quiet))
    assert trace.violations == [] and trace.probes == 1
    loud = [*quiet, PROBE_SOCKET.format(fd=19), PROBE_CONNECT.format(fd=19),
            '10 sendto(19, "x", 1, 0, NULL, 0) = 1', REMOTE_CONNECT, REMOTE_RESUMED]
    bad = check_trace("\n".join(loud)).violations
    assert len(bad) == 2 and "probe" in bad[0] and "142.250.1.1" in bad[1], bad
