#!/usr/bin/env python3
"""Markdown tables of the power experiments from the sweeps' report.json files
(tools/power_experiments.sh runs the sweeps). Usage: power_tables.py RUNS NAME..."""
import json
import os
import sys


def points(folder):
    out = []
    for d in sorted(os.listdir(folder)):
        path = os.path.join(folder, d, "report.json")
        if d.startswith("p") and os.path.exists(path):
            with open(path) as f:
                out.append(json.load(f))
    return out


def governor(r):
    g = r["power"]["management"]["governor"]
    extra = {k: v for k, v in g.items() if k not in ("name", "sampling_ms")}
    text = g["name"]
    if "opp" in extra:
        mhz = r["platform"]["domains"]["nncore"]["opps"][int(extra["opp"])]["mhz"]
        text += " %d MHz" % mhz
    if "frequency_only" in extra:
        text += " (frequency only)" if extra["frequency_only"] else " (full DVFS)"
    return text


def idle(r):
    i = r["power"]["management"]["idle"]
    text = i["policy"]
    if "state" in i:
        text += " " + i["state"]
    if "timeout_us" in i:
        text += " after %g us" % i["timeout_us"]
    if i.get("max_exit_us", -1) >= 0:
        text += ", exit <= %g us" % i["max_exit_us"]
    if i["policy"] == "residency_aware":
        text += ", gap " + i["gap_prediction"]
    return text


def s(r):
    return r["power"]["summary"]


def mj(x):
    return "%.3f" % (x * 1e3)


def ms(x):
    return "%.3f" % (x * 1e3)


def us(x):
    return "%.1f" % (x * 1e6)


def table(head, rows):
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()


def main():
    runs, names = sys.argv[1], sys.argv[2:]
    for name in names:
        pts = points(os.path.join(runs, name))
        print("### " + name + "\n")
        if name == "voltage_floor_knee":
            table(["governor", "NN core mJ/frame", "run mJ/frame", "latency ms", "misses"],
                  [[governor(r), mj(s(r)["per_inference"]["nncore_energy_j"]),
                    mj(s(r)["per_inference"]["run_energy_j"]), ms(s(r)["latency_mean_s"]),
                    s(r)["deadline_misses"]] for r in pts])
        elif name == "leakage_crossover":
            table(["die C", "governor", "NN core mJ/frame", "run mJ/frame", "leakage mJ",
                   "latency ms", "misses"],
                  [[r["platform"]["power"]["thermal"]["ambient_c"], governor(r),
                    mj(s(r)["per_inference"]["nncore_energy_j"]),
                    mj(s(r)["per_inference"]["run_energy_j"]), mj(s(r)["leakage_j"]),
                    ms(s(r)["latency_mean_s"]), s(r)["deadline_misses"]] for r in pts])
        elif name == "sampling_period":
            table(["sampling ms", "misses of 8", "worst lateness ms", "p99 latency ms",
                   "OPP requests", "NN core mJ/frame", "run mJ/frame"],
                  [[r["power"]["management"]["governor"]["sampling_ms"], s(r)["deadline_misses"],
                    ms(s(r)["worst_lateness_s"]), ms(s(r)["latency_p99_s"]),
                    r["power"]["management"]["opp_requests"],
                    mj(s(r)["per_inference"]["nncore_energy_j"]),
                    mj(s(r)["per_inference"]["run_energy_j"])] for r in pts])
        elif name == "per_layer_dvfs":
            table(["governor", "PLL relock us", "NN core mJ/inf", "run mJ/inf", "latency ms",
                   "OPP requests", "transition uJ"],
                  [[governor(r), r["platform"]["power"]["pll_relock_us"],
                    mj(s(r)["per_inference"]["nncore_energy_j"]),
                    mj(s(r)["per_inference"]["run_energy_j"]), ms(s(r)["latency_mean_s"]),
                    r["power"]["management"]["opp_requests"], "%.1f" % (s(r)["transition_j"] * 1e6)]
                   for r in pts])
        elif name == "bursty_idle":
            table(["idle policy", "run energy mJ", "NN core uJ/req", "p99 latency us",
                   "mean latency us", "entries", "NN core on / ret / off ms"],
                  [[idle(r), mj(s(r)["energy_j"]),
                    "%.2f" % (s(r)["per_inference"]["nncore_energy_j"] * 1e6),
                    us(s(r)["latency_p99_s"]), us(s(r)["latency_mean_s"]),
                    r["power"]["management"]["idle_entries"],
                    " / ".join(ms(s(r)["nncore_state_residency_s"].get(k, 0))
                               for k in ("on", "retention", "off"))] for r in pts])


if __name__ == "__main__":
    main()
