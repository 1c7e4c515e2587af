"""without_timings.py FILE: prints a study output file without what differs between any two
invocations (wall-clock times, images/s, the command line and parallelism in the provenance),
so that two studies' outputs can be compared byte for byte otherwise."""
import csv
import io
import json
import re
import sys

TIMING = re.compile(r"seconds|images_per_second")


def json_without(value):
    if isinstance(value, dict):
        return {k: json_without(v) for k, v in value.items()
                if not TIMING.search(k) and k not in ("command", "jobs")}
    if isinstance(value, list):
        return [json_without(v) for v in value]
    return value


def csv_without(text):
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, name in enumerate(rows[0]) if not TIMING.search(name)]
    return "\n".join(",".join(row[i] for i in keep) for row in rows) + "\n"


def markdown_without(text):
    out, timing_column = [], None
    for line in text.splitlines():
        line = re.sub(r"command: `[^`]*`", "command: (removed)", line)
        line = re.sub(r"^- parallel runs: .*", "- parallel runs: (removed)", line)
        if line.startswith("|"):
            cells = line.split("|")
            if timing_column is None and any(c.strip() == "images/s" for c in cells):
                timing_column = [c.strip() for c in cells].index("images/s")
            if timing_column is not None and len(cells) > timing_column:
                cells[timing_column] = " (removed) "
            line = "|".join(cells)
        else:
            timing_column = None
        out.append(line)
    return "\n".join(out) + "\n"


path = sys.argv[1]
text = open(path, encoding="utf-8").read()
if path.endswith(".json"):
    print(json.dumps(json_without(json.loads(text)), indent=1, sort_keys=True))
elif path.endswith(".csv"):
    sys.stdout.write(csv_without(text))
else:
    sys.stdout.write(markdown_without(text))
