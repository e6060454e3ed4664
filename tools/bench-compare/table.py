"""Writes docs/performance.md from the figures run.sh measured (a JSON object on stdin).

Usage: table.py OUT.md [NOTES.md]   (NOTES.md, if given, is appended verbatim)
"""
import json
import sys

d = json.load(sys.stdin)
wrk1, wrk32, py = d["wrk1"], d["wrk32"], d["python"]
e1, e32 = d["emu1"], d["emu32"]  # nginx and the emulator, measured in turn


def pct(x, of):
    return "%.0f%%" % (100.0 * x / of) if of else "-"


def num(x):
    return f"{x:,.0f}"


def row(name, rps, limit, note=""):
    return "| %s | %s | %s | %s |" % (name, num(rps), pct(rps, limit), note)


def rounds(pairs):
    return ", ".join(pct(e, n) for n, e in pairs["rounds"])


def median_ratio(pairs):
    ratios = sorted(e / n for n, e in pairs["rounds"] if n)
    if not ratios:
        return "-"
    mid = len(ratios) // 2
    ratio = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
    return pct(ratio, 1)


def bench(name, b, note=""):
    """A client's row: its fastest run, and its median ratio to the wrk run before each."""
    c = b["client"]
    if "p50_us" in c:
        note = "p50 %d µs, p99 %d µs, %d errors; %.1f× the Python SDK" % (
            c["p50_us"], c["p99_us"], c["errors"], c["requests_per_second"] / py if py else 0)
    note += "%sround by round %s" % ("; " if note else "", rounds(b))
    return "| %s | %s | %s | %s |" % (name, num(c["requests_per_second"]), median_ratio(b), note)


def of_bare(client, bare):
    """A client's fastest run as a share of its HTTP stack's alone."""
    return pct(client["client"]["requests_per_second"], bare["client"]["requests_per_second"])


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
    bench("`frs bench --transport blocking --concurrency 1` (`frs_ureq::Client`)", d["b1"]),
    bench("ureq alone, 1 thread (no SDK code: `bare-clients ureq`)", d["bare_ureq1"],
          "`frs_ureq::Client` at 1 is %s of it" % of_bare(d["b1"], d["bare_ureq1"])),
    bench("`frs bench --transport blocking --concurrency 8`", d["b8"]),
    bench("ureq alone, 8 threads", d["bare_ureq8"],
          "`frs_ureq::Client` at 8 is %s of it" % of_bare(d["b8"], d["bare_ureq8"])),
    bench("`frs bench --transport async --concurrency 1` (`frs_reqwest::Client`)", d["a1"]),
    bench("`frs bench --transport async --concurrency 32`", d["a32"]),
    row("`wrk -c32 -t2` (the limit at 32)", wrk32, wrk32),
    bench("reqwest alone, 32 tasks (no SDK code: `bare-clients reqwest`)", d["bare_reqwest"],
          "`frs_reqwest::Client` at 32 is %s of it" % of_bare(d["a32"], d["bare_reqwest"])),
    bench("hyper alone, 32 tasks (no SDK code: `bare-clients hyper`)", d["bare_hyper"]),
    bench("the core over hyper, 32 tasks (the example runtime: `frs-conformance` `hyper_bench`)",
          d["core_hyper"], "%d errors; %s of hyper alone, %s of `frs_reqwest::Client` at 32" % (
              d["core_hyper"]["client"]["errors"], of_bare(d["core_hyper"], d["bare_hyper"]),
              of_bare(d["core_hyper"], d["a32"]))),
    "",
    "Each client's ratio is the median of its rounds' own: every client run follows a `wrk` run at",
    "the same concurrency (`-c1 -t1` for one thread or task, `-c32 -t2` otherwise), and is",
    "compared with it — the machine's speed moves by half within seconds, so a limit measured",
    "minutes earlier says little. The req/s columns are the fastest run of each; the `wrk` rows",
    "are the best of the runs made before any client's.",
    "",
    "The 8-thread and 32-task rows are compared with `wrk -c32`, the limit at high",
    "concurrency. On 2 cores the client and nginx share the CPU: every cycle a client spends",
    "is taken from the server too. The async rows run one single-threaded tokio runtime per",
    "core, each with a client of its own and its share of the tasks. The rows \"alone\" are the",
    "HTTP stacks with no SDK code (`tools/bench-compare/bare-clients`) — the same threads and",
    "loop as `frs bench --transport blocking` (ureq: one agent shared by the threads, each",
    "request with `frs_ureq`'s settings: error statuses as answers, no redirects, connect and",
    "total timeouts, a capped body) or `--transport async` (reqwest, hyper), the headers of a",
    "signed delete-face fixed, nothing built, signed or parsed: the ceiling of a client on each.",
    "The last row is the whole core — building, signing, retry policy, parsing — over hyper, with",
    "`frs-conformance`'s example transport (`examples/hyper/transport.rs`: a pooled",
    "`hyper-util` client, the total timeout and the body cap) and the loop of",
    "`frs bench --transport async`: what the SDK costs on a lean HTTP stack.",
    "",
    "## The emulator under load",
    "",
    "`frs-emulator` with AK/SK authentication on, sent one fixed pre-signed delete-face (its",
    "`X-Sdk-Date` stays inside the emulator's 15-minute skew window for the run). The face set",
    "exists and the image id does not, so every answer is the service's error (`%s`), given" % d["emu_status"],
    "after the whole gateway check (signature verified), routing and lookup.",
    "",
    "nginx and the emulator are measured in turn, round by round (%d rounds of %s s at each" % (len(e32["rounds"]), d["seconds"]),
    "concurrency): the machine's speed moves by half within seconds, so the ratio that counts is",
    "each round's own, emulator over the nginx run just before it, and their median. The req/s",
    "columns are the best of the rounds (not the first table's nginx figures: other minutes).",
    "",
    "| server | `wrk -c1` req/s | `wrk -c32 -t2` req/s |",
    "|---|---|---|",
    "| nginx (static answer) | %s | %s |" % (num(e1["nginx"]), num(e32["nginx"])),
    "| frs-emulator, AK/SK on | %s | %s |" % (num(e1["emulator"]), num(e32["emulator"])),
    "",
    "- vs nginx at -c32, round by round: %s — median **%s** (best of each: %s)" % (
        rounds(e32), median_ratio(e32), pct(e32["emulator"], e32["nginx"])),
    "- vs nginx at -c1, round by round: %s — median **%s**" % (rounds(e1), median_ratio(e1)),
    "",
]
if len(sys.argv) > 2:
    with open(sys.argv[2], encoding="utf-8") as notes:
        lines += [notes.read().rstrip("\n"), ""]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\n".join(lines))
