"""Writes docs/performance.md from the figures run.sh measured (a JSON object on stdin).

Usage: table.py OUT.md [NOTES.md]   (NOTES.md, if given, is appended verbatim)
"""
import json
import sys

d = json.load(sys.stdin)
wrk1, wrk32, py = d["wrk1"], d["wrk32"], d["python"]


def pct(x, of):
    return "%.0f%%" % (100.0 * x / of) if of else "-"


def num(x):
    return f"{x:,.0f}"


def row(name, rps, limit, note=""):
    return "| %s | %s | %s | %s |" % (name, num(rps), pct(rps, limit), note)


def bench(name, b, limit):
    note = "p50 %d µs, p99 %d µs, %d errors; %.1f× the Python SDK" % (
        b["p50_us"], b["p99_us"], b["errors"], b["requests_per_second"] / py if py else 0)
    return row(name, b["requests_per_second"], limit, note)


lines = [
    "# Performance: delete-face over loopback, side by side with Huawei's own SDK",
    "",
    "Written by `cargo xtask bench-compare` (`tools/bench-compare/run.sh`); regenerate rather",
    "than edit. Every figure in the first two tables comes from one run on one machine.",
    "",
    "- Machine: %s (load average at the end of the run: %s)" % (d["machine"], d["load"]),
    "- Versions: %s" % d["versions"],
    "- Date: %s, commit %s" % (d["date"], d["commit"]),
    "- Command: `cargo xtask bench-compare`. Each figure is the best of %s runs (wrk and the" % d["rounds"],
    "  Python SDK %s s each, `frs bench` a fixed number of requests): the machine is shared," % d["seconds"],
    "  and the best run is the one least disturbed by other work.",
    "",
    "The server is a loopback nginx answering",
    "`DELETE /v2/{project}/face-sets/bench/faces?external_image_id=bench-image` with the",
    "service's JSON; every client keeps its connections alive.",
    "",
    "| client (delete-face, keep-alive) | req/s | vs `wrk` at the same concurrency | |",
    "|---|---|---|---|",
    row("`wrk -c1 -t1` (the limit)", wrk1, wrk1),
    row("official Python SDK `huaweicloudsdkfrs` 3.1.219, 1 thread", py, wrk1),
    bench("`frs bench --transport blocking --concurrency 1` (`frs_ureq::Client`)", d["b1"], wrk1),
    bench("`frs bench --transport blocking --concurrency 8`", d["b8"], wrk32),
    bench("`frs bench --transport async --concurrency 1` (`frs_reqwest::Client`)", d["a1"], wrk1),
    bench("`frs bench --transport async --concurrency 32`", d["a32"], wrk32),
    row("`wrk -c32 -t2` (the limit at 32)", wrk32, wrk32),
    row("reqwest alone, 32 tasks (no SDK code: `bare-clients reqwest`)", d["bare_reqwest"]["requests_per_second"],
        wrk32, "`frs_reqwest::Client` at 32 is %s of it" % pct(d["a32"]["requests_per_second"],
                                                            d["bare_reqwest"]["requests_per_second"])),
    row("hyper alone, 32 tasks (no SDK code: `bare-clients hyper`)", d["bare_hyper"]["requests_per_second"], wrk32),
    "",
    "The 8-thread and 32-task rows are compared with `wrk -c32`, the limit at high",
    "concurrency. On 2 cores the client and nginx share the CPU: every cycle a client spends",
    "is taken from the server too. The async rows run one single-threaded tokio runtime per",
    "core, each with a client of its own and its share of the tasks. The last two rows are the",
    "HTTP stacks alone — the same runtimes and task loop as `frs bench --transport async`, the",
    "headers of a signed delete-face fixed, nothing built, signed or parsed: the ceiling of a",
    "client on each.",
    "",
    "## The emulator under load",
    "",
    "`frs-emulator` with AK/SK authentication on, sent one fixed pre-signed delete-face (its",
    "`X-Sdk-Date` stays inside the emulator's 15-minute skew window for the run). The face set",
    "exists and the image id does not, so every answer is the service's error (`%s`), given" % d["emu_status"],
    "after the whole gateway check (signature verified), routing and lookup.",
    "",
    "| server | `wrk -c1` req/s | `wrk -c32 -t2` req/s | vs nginx at -c32 |",
    "|---|---|---|---|",
    "| nginx (static answer) | %s | %s | 100%% |" % (num(wrk1), num(wrk32)),
    "| frs-emulator, AK/SK on | %s | %s | %s |" % (num(d["emu1"]), num(d["emu32"]), pct(d["emu32"], wrk32)),
    "",
]
if len(sys.argv) > 2:
    with open(sys.argv[2], encoding="utf-8") as notes:
        lines += [notes.read().rstrip("\n"), ""]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\n".join(lines))
