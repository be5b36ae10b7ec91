"""Checks the facts the AST analysis hands the IR pass against the IR clang
emits: every coroutine and spawn callee is defined/called under the mangled
name we computed, and each spawn's CoroutineCallPoint is the DILocation of a
call to CoroutineCallee. Usage: check_facts.py FACTS.txt MODULE.ll"""
import re, sys

facts = open(sys.argv[1]).read().splitlines()
ir = open(sys.argv[2]).read()
defined = set(re.findall(r'^define [^@]*@"?([^"(\s]+)"?\(', ir, re.M))
locs = {m.group(1): (int(m.group(2)), int(m.group(3)))
        for m in re.finditer(r'^(!\d+) = !DILocation\(line: (\d+), column: (\d+)', ir, re.M)}
calls = {}
for m in re.finditer(r'(?:call|invoke) [^@\n]*@"?([^"(\s]+)"?\((?:.|\n)*?!dbg (!\d+)', ir):
    calls.setdefault(m.group(1), set()).add(locs.get(m.group(2)))
errors = 0
ncoro = nspawn = 0
for line in facts:
    m = re.match(r'memscope-facts: coroutine (\S+) .* system=(\d)', line)
    if m:
        ncoro += 1
        if m.group(2) == '0' and m.group(1) not in defined:
            print('coroutine not defined in IR:', m.group(1)); errors += 1
        continue
    m = re.match(r'memscope-facts: spawn at \S+ callee=(\S+) call=\S+:(\d+):(\d+) coroutine=(\S+) caller=(\S+)', line)
    if m:
        nspawn += 1
        spawn, l, c, coro, caller = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)
        if spawn not in calls:
            print('spawn callee never called:', spawn); errors += 1
        if caller not in defined:
            print('caller not defined:', caller); errors += 1
        if (l, c) not in calls.get(coro, set()):
            print('no call to %s at %d:%d; calls at %s' % (coro, l, c, sorted(x for x in calls.get(coro, set()) if x))); errors += 1
print('checked %d coroutines, %d spawns, %d errors' % (ncoro, nspawn, errors))
sys.exit(1 if errors or not nspawn else 0)
