"""Compares runtime/report.schema.json's task type names with task_types.def."""
import json
import re
import sys

def_file, schema_file = sys.argv[1], sys.argv[2]
names = re.findall(r"^MEMSCOPE_TASK_TYPE\((\w+),", open(def_file).read(), re.M)
schema = json.load(open(schema_file))
status = 0
for what, listed in (("enum", schema["$defs"]["task_type"]["enum"]),
                     ("by_type", list(schema["properties"]["by_type"]["properties"]))):
    if listed == names:
        print(f"{what} matches task_types.def: {len(names)} types")
    else:
        print(f"{what} differs from task_types.def: {listed} != {names}")
        status = 1
sys.exit(status)
