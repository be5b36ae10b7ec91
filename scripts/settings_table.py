#!/usr/bin/env python3
"""The settings table of docs/reports.md, made from runtime/src/support/settings.def.

  settings_table.py             print the table
  settings_table.py --write F   replace the table between the markers in F
  settings_table.py --check F   exit 1 (and say what differs) when F's table
                                is not the one settings.def makes

The table sits between "<!-- settings table begin -->" and
"<!-- settings table end -->"; test/reliability/settings-table.test checks it.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEF = os.path.join(ROOT, "runtime", "src", "support", "settings.def")
BEGIN = "<!-- settings table begin: made by scripts/settings_table.py from runtime/src/support/settings.def -->"
END = "<!-- settings table end -->"
FIELDS = ["id", "name", "kind", "default", "min", "max", "words",
          "complaint", "doc"]


def parse_args_text(text):
    """Splits a macro's arguments: identifiers, numbers, string literals
    (adjacent literals joined, as C does)."""
    out, cur, i = [], None, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j, buf = i + 1, []
            while text[j] != '"':
                if text[j] == "\\":
                    buf.append(text[j + 1])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            cur = (cur or "") + "".join(buf)
            i = j + 1
        elif c == ",":
            out.append(cur.strip() if cur is not None else "")
            cur, i = None, i + 1
        elif c.isspace():
            i += 1
        else:
            m = re.match(r"[A-Za-z0-9_]+", text[i:])
            cur = (cur or "") + m.group(0)
            i += len(m.group(0))
    out.append(cur if cur is not None else "")
    return out


def settings():
    src = open(DEF, encoding="utf-8").read()
    # Comments and preprocessor lines are not entries.
    src = "\n".join(line for line in src.splitlines()
                    if not line.lstrip().startswith(("//", "#")))
    rows = []
    for m in re.finditer(r"MEMSCOPE_SETTING\(", src):
        depth, i = 1, m.end()
        in_str = False
        while depth:
            c = src[i]
            if in_str:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        args = parse_args_text(src[m.end():i - 1])
        if len(args) != len(FIELDS):
            sys.exit(f"settings.def: {args[:2]} has {len(args)} fields, "
                     f"not {len(FIELDS)}")
        rows.append(dict(zip(FIELDS, args)))
    return rows


def values(s):
    kind = s["kind"]
    if kind == "Path":
        return "a file path"
    if kind == "Address":
        return "`HOST:PORT`"
    if kind == "Count":
        return f"{s['min']}..{s['max']}" if s["min"] != "0" \
            else "an integer, 0 or more"
    if kind == "Choice":
        return ", ".join(f"`{w}`" for w in s["words"].split("|"))
    if kind == "Signal":
        return "a signal name or number"
    return "`1`"


def table():
    lines = ["| variable | values | default | meaning |",
             "|---|---|---|---|"]
    for s in settings():
        default = f"`{s['default']}`" if s["default"] else "unset"
        lines.append(f"| `{s['name']}` | {values(s)} | {default} | {s['doc']} |")
    return "\n".join(lines) + "\n"


def replace_table(text):
    if BEGIN not in text or END not in text:
        sys.exit(f"no settings table markers ({BEGIN} ... {END})")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + table() + END + tail


def main():
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE")
    group.add_argument("--check", metavar="FILE")
    args = parser.parse_args()
    if args.write:
        text = open(args.write, encoding="utf-8").read()
        open(args.write, "w", encoding="utf-8").write(replace_table(text))
    elif args.check:
        text = open(args.check, encoding="utf-8").read()
        if replace_table(text) != text:
            print(f"{args.check}: the settings table is not the one "
                  f"runtime/src/support/settings.def makes; run "
                  f"scripts/settings_table.py --write {args.check}")
            return 1
        print(f"{args.check}: settings table matches settings.def "
              f"({len(settings())} settings)")
    else:
        sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
