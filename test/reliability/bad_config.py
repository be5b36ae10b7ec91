import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from memreport import Report, expect

plain, prog, work = sys.argv[1], sys.argv[2], sys.argv[3]


def clean_env(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}
    env.update(extra)
    return env


def run(binary, env, args=(), limit_fsize=None, cwd=None):
    def pre():
        if limit_fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_fsize, limit_fsize))
    p = subprocess.run([binary, *args], env=clean_env(env), capture_output=True,
                       preexec_fn=pre, timeout=60, cwd=cwd)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


base_code, base_out, base_err = run(plain, {})
expect(base_code == 5 and base_out == b"sum 1725\n", "the plain program", (base_code, base_out))


def temporaries(directory):
    found = []
    for d, _, files in os.walk(directory):
        found += [os.path.join(d, f) for f in files if ".tmp." in f]
    return found


def case(name, env, lines, contains=(), args=(), report=None, limit_fsize=None,
         cwd=None):
    code, out, err = run(prog, env, args, limit_fsize, cwd)
    where = f"[{name}]"
    expect(code == base_code, f"{where} exit status unchanged", (code, err))
    expect(out == base_out, f"{where} output unchanged", out)
    got = [l for l in err.splitlines() if l]
    expect(len(got) == lines and all(l.startswith("memscope: ") for l in got),
           f"{where} exactly {lines} 'memscope:' line(s) on stderr", got)
    for text in contains:
        expect(any(text in l for l in got), f"{where} stderr mentions {text!r}", got)
    for l in got:
        expect(len(l) < 400, f"{where} stderr line is short", l)
    expect(not temporaries(work), f"{where} no temporary file left", temporaries(work))
    if report is not None:
        Report(report)  # whole: parses and matches the schema
    print(f"ok {name}")


d = work
good = os.path.join(d, "good.json")
case("no settings", {}, 0)
case("valid output", {"MEMSCOPE_OUTPUT": good}, 0, report=good)
case("empty output = off", {"MEMSCOPE_OUTPUT": ""}, 0)
# Found at start-up (a long-running program learns it at once), said once.
case("missing directory", {"MEMSCOPE_OUTPUT": os.path.join(d, "nope", "r.json")}, 1,
     ["MEMSCOPE_OUTPUT=", "No such file or directory"])
case("output is a directory", {"MEMSCOPE_OUTPUT": d}, 1, ["cannot write report"])
case("huge output path", {"MEMSCOPE_OUTPUT": os.path.join(d, "x" * 5000)}, 1,
     ["longer than"])
hostile = os.path.join(d, "no\ndir", "%n%s\x1b[31m.json")
case("hostile output path", {"MEMSCOPE_OUTPUT": hostile}, 1, ["\\x0a", "%n%s"])
case("unwritable directory", {"MEMSCOPE_OUTPUT": "/proc/self/memscope.json"}, 1,
     ["MEMSCOPE_OUTPUT='/proc/self/memscope.json'", "not writable"])
vanish = os.path.join(d, "vanishing")
os.mkdir(vanish)
case("directory vanishes", {"MEMSCOPE_OUTPUT": os.path.join(vanish, "r.json")}, 1,
     ["cannot write report"], args=("vanish", vanish))

# A file-size limit below the report's size: the write fails (EFBIG) instead
# of SIGXFSZ killing the program, and the previous report stays intact.
old = os.path.join(d, "old.json")
with open(old, "w") as f:
    f.write("{\"previous\": true}\n")
case("file size limit", {"MEMSCOPE_OUTPUT": old}, 1, ["cannot write report", "too large"],
     limit_fsize=1024)
expect(open(old).read() == "{\"previous\": true}\n", "the previous report is intact",
       open(old).read())

for value in ["abc", "-5", "12abc", "99999999999999999999999", "0x10", "1e3",
              "\x1b[2J" + "9" * 100000]:
    case(f"max tasks {value[:20]!r}", {"MEMSCOPE_MAX_TASKS": value, "MEMSCOPE_OUTPUT": good},
         1, ["MEMSCOPE_MAX_TASKS"], report=good)
case("max tasks empty", {"MEMSCOPE_MAX_TASKS": ""}, 0)
case("max tasks 0 folds everything", {"MEMSCOPE_MAX_TASKS": "0", "MEMSCOPE_OUTPUT": good}, 0,
     report=good)
r = Report(good)
expect(r.summary["folded_tasks"] == 50 and r.summary["max_tasks"] == 0,
       "every completed task folded", r.summary)
case("max tasks huge", {"MEMSCOPE_MAX_TASKS": "18446744073709551615",
                        "MEMSCOPE_OUTPUT": good}, 0, report=good)

# Run-slice timing: on by default; off measures no busy time and says so.
case("timing on", {"MEMSCOPE_TIMING": "on", "MEMSCOPE_OUTPUT": good}, 0, report=good)
r = Report(good)
expect(r.summary["busy_time_measured"] is True and
       sum(t["busy_ns"] for t in r.tasks) > 0, "busy time measured", r.summary)
case("timing off", {"MEMSCOPE_TIMING": "off", "MEMSCOPE_OUTPUT": good}, 0, report=good)
r = Report(good)
expect(r.summary["busy_time_measured"] is False and
       all(t["busy_ns"] == 0 for t in r.tasks) and
       sum(t["resume_count"] for t in r.tasks) > 0,
       "no busy time, resumes still counted", r.summary)
for value in ["OFF", "Off"]:
    case(f"timing {value!r} (any case)", {"MEMSCOPE_TIMING": value,
                                          "MEMSCOPE_OUTPUT": good}, 0, report=good)
    expect(Report(good).summary["busy_time_measured"] is False, "off in any case")
for value in ["yes", "\x1b[2J" + "o" * 1000]:
    case(f"timing {value[:10]!r}", {"MEMSCOPE_TIMING": value, "MEMSCOPE_OUTPUT": good}, 1,
         ["MEMSCOPE_TIMING"], report=good)
    expect(Report(good).summary["busy_time_measured"] is True, "bad value: default on")
case("timing off with a trace", {"MEMSCOPE_TIMING": "off",
                                 "MEMSCOPE_TRACE": os.path.join(d, "t.json")}, 1,
     ["MEMSCOPE_TRACE needs"])

case("unknown setting (typo)", {"MEMSCOPE_OUPUT": good}, 1, ["MEMSCOPE_OUPUT"])
case("everything wrong at once",
     {"MEMSCOPE_OUTPUT": os.path.join(d, "nope", "r.json"), "MEMSCOPE_MAX_TASKS": "lots",
      "MEMSCOPE_BOGUS": "1"}, 3)

# Every setting with hostile values: empty is the default (no line); garbage
# is one line, with control characters escaped and long values cut, so no
# escape sequence reaches the terminal and no line is thousands of bytes.
HOSTILE = ["\x1b[31mred\x1b[0m", "\x07bell\nnewline", "z" * 5000]
SETTINGS = {
    "MEMSCOPE_MAX_TASKS": None, "MEMSCOPE_TIMING": None,
    "MEMSCOPE_MODE": None, "MEMSCOPE_ASYNC_MODE": None,
    "MEMSCOPE_SAMPLE_MS": None, "MEMSCOPE_METRICS": None,
    "MEMSCOPE_REPORT_SIGNAL": None,
}
for name in SETTINGS:
    case(f"{name} empty", {name: "", "MEMSCOPE_OUTPUT": good}, 0, report=good)
    for value in HOSTILE:
        code, out, err = run(prog, {name: value, "MEMSCOPE_OUTPUT": good})
        where = f"[{name}={value[:8]!r}]"
        got = [l for l in err.splitlines() if l]
        expect(code == base_code and out == base_out, f"{where} program unharmed",
               (code, out))
        expect(len(got) == 1 and got[0].startswith(f"memscope: ") and name in got[0],
               f"{where} one memscope: line naming {name}", got)
        expect("\x1b" not in err and "\x07" not in err,
               f"{where} no raw control character reaches the terminal", err[:200])
        expect(len(got[0]) < 400, f"{where} the line is short", len(got[0]))
        Report(good)
    print(f"ok {name} hostile values")
# The paths: hostile (escaped, cut) and too long (one line, nothing written).
for name in ("MEMSCOPE_OUTPUT", "MEMSCOPE_TRACE"):
    case(f"{name} hostile", {name: os.path.join(d, "none\x1b]0;", "x" * 3000)}, 1,
         [name, "\\x1b"])
    case(f"{name} too long", {name: os.path.join(d, "y" * 5000)}, 1,
         [name, "longer than"])
case("unknown setting hostile name", {"MEMSCOPE_\x1b[2J" + "Q" * 500: "1"}, 1,
     ["\\x1b", "..."])

# Values are words in any case.
case("mode COUNTS", {"MEMSCOPE_MODE": "COUNTS", "MEMSCOPE_OUTPUT": good}, 0, report=good)
case("report signal Sigusr1", {"MEMSCOPE_REPORT_SIGNAL": "Sigusr1",
                               "MEMSCOPE_OUTPUT": good}, 0, report=good)
case("metrics LOCALHOST", {"MEMSCOPE_METRICS": "LOCALHOST:0", "MEMSCOPE_OUTPUT": good},
     0, report=good)

# A FIFO without a reader: one line at exit, never a hang; the program's own
# output is intact. With a reader, the report arrives whole.
fifo = os.path.join(d, "report.fifo")
os.mkfifo(fifo)
case("FIFO without a reader", {"MEMSCOPE_OUTPUT": fifo}, 1,
     ["FIFO", "nothing is reading"])
import threading
got_fifo = []
reader = threading.Thread(target=lambda: got_fifo.append(open(fifo, "rb").read()))
reader.start()
import time
time.sleep(0.2)  # the reader is blocked in open: the writer finds it
case("FIFO with a reader", {"MEMSCOPE_OUTPUT": fifo}, 0)
reader.join(10)
import json
expect(got_fifo and json.loads(got_fifo[0])["format"] == "memscope",
       "the reader got the whole report", got_fifo[:1])
os.unlink(fifo)

# A relative MEMSCOPE_OUTPUT is resolved at start-up: the program's chdir()
# does not move the report.
moved = os.path.join(d, "elsewhere")
os.mkdir(moved)
case("relative output and chdir", {"MEMSCOPE_OUTPUT": "rel.json"}, 0,
     args=("chdir", moved), cwd=d, report=os.path.join(d, "rel.json"))
expect(not os.path.exists(os.path.join(moved, "rel.json")),
       "nothing written where the program moved to", os.listdir(moved))

# The report and the trace naming the same file: refused in one line, the
# report kept (also through another spelling of the same path).
same = os.path.join(d, "same.json")
case("output == trace", {"MEMSCOPE_OUTPUT": same, "MEMSCOPE_TRACE": same}, 1,
     ["same file"], report=same)
case("output == trace, relative", {"MEMSCOPE_OUTPUT": "same.json",
                                   "MEMSCOPE_TRACE": "./same.json"}, 1,
     ["same file"], cwd=d, report=same)
