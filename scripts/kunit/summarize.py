#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Summarise kunit.py --json output (scripts/kunit/{uml,ppc}).

usage: summarize.py NAME RESULTS.json

Prints one line per suite, then as the last line
    khn-result: NAME passed=N failed=M
N and M count leaf test cases, as kunit.py does: every parameter of a
parameterised test is one case.  Crashed (ERROR) cases count as failed;
skipped cases count in neither.  Exit status 0 iff nothing failed and at
least one case passed or failed (zero tests run is a failure).
"""
import json
import sys


def leaves(group, path=()):
    """Yield (name path, status) for every leaf case below group."""
    for case in group.get("test_cases", []):
        yield path + (case.get("name", "?"),), case.get("status", "FAIL")
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, path + (sub.get("name", "?"),))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    name, path = sys.argv[1], sys.argv[2]
    try:
        with open(path) as f:
            root = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{name}: no parsable results ({path}: {e})")
        print(f"khn-result: {name} passed=0 failed=0")
        return 1

    suites = list(root.get("sub_groups", []))
    if root.get("test_cases"):
        suites.append({"name": "(outside any suite)",
                       "test_cases": root["test_cases"]})
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for suite in suites:
        n = {"passed": 0, "failed": 0, "skipped": 0}
        bad = []
        for names, status in leaves(suite):
            if status == "PASS":
                n["passed"] += 1
            elif status == "SKIP":
                n["skipped"] += 1
            else:
                n["failed"] += 1
                bad.append(".".join(names) + f" ({status})")
        for k in total:
            total[k] += n[k]
        print(f"{name}: suite {suite.get('name', '?')}: passed={n['passed']} "
              f"failed={n['failed']} skipped={n['skipped']}")
        for b in bad:
            print(f"{name}:   FAILED {b}")
    print(f"{name}: {len(suites)} suite(s): passed={total['passed']} "
          f"failed={total['failed']} skipped={total['skipped']}")
    none = total["passed"] + total["failed"] == 0
    if none:
        print(f"{name}: FAIL: no test case ran")
    print(f"khn-result: {name} passed={total['passed']} failed={total['failed']}")
    return 1 if none or total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
