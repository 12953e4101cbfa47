"""Load-testing `moderation serve` against `moderation score` on the same news comments.

For each tier (full, --fast):
  1. `moderation score FILE -o OUT` as a whole process on N C3 comments, and again on 1 comment; the difference
     is its scoring time without start-up and model loading, which is what the server is compared with;
  2. `moderation serve` on a free loopback port; after a warm-up, C concurrent clients each send one comment
     per request (Perspective's comments:analyze, TOXICITY, CONSPIRACY and OFF_TOPIC) until the N comments
     are scored; throughput, p50/p99 latency and the server's peak RSS.
Each is repeated --rounds times, CLI and server taking turns, and medians are reported: the machine is
shared with other work, so the load average is printed as well.

--soak N then sends N requests to a --fast server (1 in 100 a bad request that must get its 400), sampling
the server's RSS as it goes: memory after warm-up against memory at the end, and every unexpected status.

The load comes from a lean asyncio HTTP/1.1 client (keep-alive, requests encoded once, uvloop when
installed), about 20 µs of client CPU a request, so that it is not what limits the server. With
`--client wrk` and wrk installed (`apt-get install wrk`), wrk drives the load instead (latencies then
come from wrk).

    python benchmarks/serve_load.py --data-dir ../shared/datasets -n 2000 --clients 16 --rounds 3
    python benchmarks/serve_load.py --data-dir ../shared/datasets --tiers fast -n 20000 --soak 100000
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import run_timed  # noqa: E402

ANALYZE = "/v1alpha1/comments:analyze"
ATTRIBUTES = {"TOXICITY": {}, "CONSPIRACY": {}, "OFF_TOPIC": {}}
KEY = "benchmark-key"


def news_comments(data_dir: Path, n: int) -> list[str]:
    """The first n non-empty comment_text cells of the C3 corpus (cycled if it has fewer)."""
    path = data_dir / "c3_constructive_comments" / "C3_anonymized.csv"
    texts: list[str] = []
    with open(path, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            text = (row.get("comment_text") or "").strip()
            if text and len(text.encode()) <= 20_000:
                texts.append(text)
            if len(texts) >= n:
                break
    return [texts[i % len(texts)] for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, MB (of the supervisor alone with ``--workers N``)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount, _ = line.split()
            values[name] = int(amount) / 1024
    return values["VmRSS:"], values["VmHWM:"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (``--workers N``), from /proc."""
    total = 0.0
    pids = [pid]
    for tid in os.listdir(f"/proc/{pid}/task"):
        children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# ---------------------------------------------------------------- the server


class Server:
    """`moderation serve` in a subprocess on a free port, stopped with SIGTERM."""

    def __init__(self, fast: bool, extra: list[str] | None = None) -> None:
        self.port = free_port()
        command = [str(Path(sys.executable).with_name("moderation")), "serve", "--port", str(self.port)]
        command += (["--fast"] if fast else []) + (extra or [])
        env = {**os.environ, "MODERATION_API_KEY": KEY}
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (open for the life of the server)
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError(f"server did not start:\n{self.log.read().decode(errors='replace')}")
            time.sleep(0.2)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


# ---------------------------------------------------------------- the load


def request_bytes(port: int, body: dict) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST {ANALYZE}?key={KEY} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def analyze_request(port: int, text: str) -> bytes:
    return request_bytes(port, {"comment": {"text": text}, "languages": ["en"], "requestedAttributes": ATTRIBUTES})


BAD_REQUESTS = [
    (b'{"comment": {"text": "unclosed', 400),
    (json.dumps({"comment": {"text": "hi"}, "requestedAttributes": {"SEVERE_TOXICITY": {}}}).encode(), 400),
    (json.dumps({"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}}).encode(), 400),
    (json.dumps({"comment": {"text": "hallo"}, "requestedAttributes": ATTRIBUTES, "languages": ["de"]}).encode(), 400),
]


def bad_request(port: int, k: int) -> tuple[bytes, int]:
    payload, status = BAD_REQUESTS[k % len(BAD_REQUESTS)]
    head = f"POST {ANALYZE}?key={KEY} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(payload)}\r\n\r\n"
    return head.encode() + payload, status


async def one_client(
    port: int, requests: list[tuple[bytes, int]], next_index: list[int], latencies: list[float], wrong: list[str]
) -> None:
    """Keep-alive connection sending requests[next] until they run out; latencies and unexpected statuses out."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while next_index[0] < len(requests):
            data, expected = requests[next_index[0]]
            next_index[0] += 1
            started = time.perf_counter()
            writer.write(data)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != expected:
                wrong.append(f"{status} (expected {expected})")
    finally:
        writer.close()


async def drive(port: int, requests: list[tuple[bytes, int]], clients: int) -> tuple[float, list[float], list[str]]:
    """Wall seconds, latencies and unexpected statuses of sending every request through ``clients`` clients."""
    latencies: list[float] = []
    wrong: list[str] = []
    next_index = [0]
    started = time.perf_counter()
    await asyncio.gather(*(one_client(port, requests, next_index, latencies, wrong) for _ in range(clients)))
    return time.perf_counter() - started, latencies, wrong


def run_load(port: int, requests: list[tuple[bytes, int]], clients: int) -> tuple[float, list[float], list[str]]:
    try:
        import uvloop

        return uvloop.run(drive(port, requests, clients))
    except ImportError:
        return asyncio.run(drive(port, requests, clients))


def run_wrk(port: int, texts: list[str], clients: int, seconds: int) -> dict:
    """wrk for ``seconds`` with ``clients`` connections, cycling through the comments."""
    with tempfile.TemporaryDirectory() as tmp:
        bodies = Path(tmp) / "bodies.txt"
        bodies.write_text(
            "\n".join(
                json.dumps({"comment": {"text": t}, "languages": ["en"], "requestedAttributes": ATTRIBUTES})
                for t in texts
            )
        )
        script = Path(tmp) / "analyze.lua"
        script.write_text(
            "local bodies = {}\n"
            f'for line in io.lines("{bodies}") do bodies[#bodies + 1] = line end\n'
            "local i = 0\n"
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            "request = function()\n  i = i % #bodies + 1\n"
            f'  return wrk.format(nil, "{ANALYZE}?key={KEY}", nil, bodies[i])\nend\n'
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("RESULT %d %d %f %f %f\\n", summary.requests, summary.errors.status,'
            " summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(99) / 1e6))\nend\n"
        )
        out = subprocess.run(
            ["wrk", "-t", "1", "-c", str(clients), "-d", f"{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    _, n, errors, wall, p50, p99 = line.split()
    return {
        "requests": int(n),
        "errors": int(errors),
        "per_s": int(n) / float(wall),
        "p50_ms": float(p50) * 1000,
        "p99_ms": float(p99) * 1000,
    }


# ---------------------------------------------------------------- the measurements


def cli_round(texts: list[str], fast: bool, tmp: Path) -> dict:
    source, one = tmp / "comments.jsonl", tmp / "one.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": f"c{i}", "text": text}) + "\n")
    one.write_text(json.dumps({"id": "c0", "text": texts[0]}) + "\n")
    command = [str(Path(sys.executable).with_name("moderation")), "score"] + (["--fast"] if fast else [])
    whole, _, _ = run_timed([*command, str(source), "-o", str(tmp / "out.jsonl")])
    start_up, _, _ = run_timed([*command, str(one), "-o", str(tmp / "out1.jsonl")])
    return {"whole_s": whole, "start_up_s": start_up, "per_s": len(texts) / max(whole - start_up, 1e-9)}


def server_round(texts: list[str], fast: bool, clients: int, client: str, extra: list[str]) -> dict:
    server = Server(fast, extra)
    try:
        port = server.port
        warm = [(analyze_request(port, t), 200) for t in texts[: min(len(texts), 200 if fast else 50)]]
        run_load(port, warm, clients)
        if client == "wrk":
            seconds = max(5, int(len(texts) / (2000 if fast else 60)))
            result = run_wrk(port, texts, clients, seconds)
        else:
            requests = [(analyze_request(port, t), 200) for t in texts]
            cpu_before, client_before = cpu_seconds(server.process.pid), time.process_time()
            wall, latencies, wrong = run_load(port, requests, clients)
            server_cpu = cpu_seconds(server.process.pid) - cpu_before
            client_cpu = time.process_time() - client_before
            latencies.sort()
            result = {
                "requests": len(requests),
                "errors": len(wrong),
                "per_s": len(requests) / wall,
                "p50_ms": latencies[len(latencies) // 2] * 1000,
                "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
                "server_cpu_us_per_request": 1e6 * server_cpu / len(requests),
                "client_cpu_us_per_request": 1e6 * client_cpu / len(requests),
            }
        result["peak_rss_mb"] = rss_mb(server.process.pid)[1]
    finally:
        result_code = server.stop()
    result["exit_code"] = result_code
    return result


def soak(texts: list[str], total: int, clients: int, extra: list[str], chunk: int = 10_000) -> dict:
    """``total`` requests to a --fast server in chunks, 1 in 100 a bad one; RSS after each chunk."""
    server = Server(fast=True, extra=extra)
    samples = []
    wrong: list[str] = []
    latencies_all: list[float] = []
    sent = 0
    started = time.perf_counter()
    try:
        port = server.port
        good = [analyze_request(port, t) for t in texts]
        while sent < total:
            size = min(chunk, total - sent)
            requests = []
            for k in range(sent, sent + size):
                requests.append(bad_request(port, k) if k % 100 == 99 else (good[k % len(good)], 200))
            _, latencies, bad = run_load(port, requests, clients)
            wrong += bad
            latencies_all += latencies
            sent += size
            samples.append((sent, rss_mb(server.process.pid)[0]))
    finally:
        code = server.stop()
    wall = time.perf_counter() - started
    after_warm_up = samples[0][1]
    latencies_all.sort()
    return {
        "requests": sent,
        "bad_requests_sent": sum(1 for k in range(sent) if k % 100 == 99),
        "unexpected": len(wrong),
        "unexpected_examples": wrong[:5],
        "per_s": sent / wall,
        "p99_ms": latencies_all[int(len(latencies_all) * 0.99) - 1] * 1000,
        "rss_mb_after_first_chunk": after_warm_up,
        "rss_mb_end": samples[-1][1],
        "rss_growth_pct": 100 * (samples[-1][1] - after_warm_up) / after_warm_up,
        "rss_samples": samples,
        "exit_code": code,
    }


def median_of(rounds: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("-n", type=int, default=2000, help="comments per round")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiers", nargs="+", choices=["full", "fast"], default=["full", "fast"])
    parser.add_argument("--fast-n", type=int, default=None, help="comments per round for --fast (default: -n)")
    parser.add_argument("--soak", type=int, default=0, help="requests for the --fast memory soak (0: none)")
    parser.add_argument("--client", choices=["asyncio", "wrk"], default="asyncio")
    parser.add_argument("--server-args", default="", help='more options for `moderation serve`, e.g. "--workers 2"')
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install wrk)")
    report: dict = {
        "command": " ".join(sys.argv),
        "load_average_start": os.getloadavg(),
        "cores": len(os.sched_getaffinity(0)),
        "tiers": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for tier in args.tiers:
            fast = tier == "fast"
            n = args.fast_n if fast and args.fast_n else args.n
            texts = news_comments(args.data_dir, n)
            cli, served = [], []
            for r in range(args.rounds):
                cli.append(cli_round(texts, fast, Path(tmp)))
                served.append(server_round(texts, fast, args.clients, args.client, args.server_args.split()))
                print(f"{tier} round {r + 1}: cli {cli[-1]}, server {served[-1]}", file=sys.stderr, flush=True)
            summary = {
                "comments": n,
                "clients": args.clients,
                "cli_per_s_median": median_of(cli, "per_s"),
                "cli_whole_process_s_median": median_of(cli, "whole_s"),
                "server_per_s_median": median_of(served, "per_s"),
                "server_p50_ms_median": median_of(served, "p50_ms"),
                "server_p99_ms_median": median_of(served, "p99_ms"),
                "server_peak_rss_mb_median": median_of(served, "peak_rss_mb"),
                "server_errors": sum(r["errors"] for r in served),
                "server_cpu_us_per_request_median": median_of(served, "server_cpu_us_per_request")
                if args.client == "asyncio"
                else None,
                "rounds": {"cli": cli, "server": served},
            }
            summary["ratio_server_to_cli"] = summary["server_per_s_median"] / summary["cli_per_s_median"]
            report["tiers"][tier] = summary
        if args.soak:
            texts = news_comments(args.data_dir, min(args.soak, 20_000))
            report["soak"] = soak(texts, args.soak, args.clients, args.server_args.split())
    report["load_average_end"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
