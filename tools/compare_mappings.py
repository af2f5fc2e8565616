#!/usr/bin/env python3
"""Per-layer NN-core figures of two report.json files of the same network
(before and after a compiler change): cycles, utilisation and DRAM bytes of
every core layer whose figures differ, then the totals. Markdown on stdout.
  tools/compare_mappings.py BEFORE/report.json AFTER/report.json [--all]"""
import json
import sys


def core_layers(path):
    with open(path) as f:
        report = json.load(f)
    layers = {l["name"]: l for l in report["layers"] if l.get("unit") == "nncore"}
    latency = report["throughput"]["latency_s"]["mean"]
    return layers, latency


def dram(l):
    return l["dram_read_bytes"] + l["dram_write_bytes"]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    before, lat_b = core_layers(argv[1])
    after, lat_a = core_layers(argv[2])
    show_all = "--all" in argv
    print("| layer | cycles before | after | utilisation before | after | DRAM bytes before | after |")
    print("|---|---|---|---|---|---|---|")
    tot = [0, 0, 0, 0]
    for name, b in before.items():
        a = after.get(name)
        if a is None:
            continue
        tot[0] += b["cycles"]; tot[1] += a["cycles"]; tot[2] += dram(b); tot[3] += dram(a)
        if show_all or (b["cycles"], dram(b)) != (a["cycles"], dram(a)):
            print(f"| {name} | {b['cycles']} | {a['cycles']} | {b['utilization']:.3f} | "
                  f"{a['utilization']:.3f} | {dram(b)} | {dram(a)} |")
    print(f"| **all core layers** | {tot[0]} | {tot[1]} | | | {tot[2]} | {tot[3]} |")
    print(f"\nlatency per inference: {lat_b * 1e3:.3f} ms -> {lat_a * 1e3:.3f} ms")


if __name__ == "__main__":
    main(sys.argv)
