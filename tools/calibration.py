#!/usr/bin/env python3
"""The CONV layers of a calibration run beside the chip's published figures.
  tools/calibration.py REPORT.json alexnet|vgg16
Published (Chen et al., "Eyeriss", IEEE JSSC 52(1), 2017, abstract):
AlexNet CONV layers at batch 4: 35 frames/s, 278 mW, 0.0029 DRAM accesses
per MAC; VGG-16 CONV layers at batch 3: 0.7 frames/s, 236 mW, 0.0035 DRAM
accesses per MAC. An access moves one 16-bit word. Power is the layers' NN-core
energy (report.json layers[].energy_j) plus the core's leakage
(power.nncore_by_action.leakage_mw_at_vnom) over their time, divided by
their time. Markdown on stdout."""
import json
import sys

PAPER = {
    "alexnet": {"fps": 35.0, "power_w": 0.278, "dram_per_mac": 0.0029},
    "vgg16": {"fps": 0.7, "power_w": 0.236, "dram_per_mac": 0.0035},
}


def main(argv):
    if len(argv) != 3 or argv[2] not in PAPER:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        report = json.load(f)
    paper = PAPER[argv[2]]
    batch = report["network"]["batch"]
    by_action = report.get("power", {}).get("nncore_by_action", {})
    leak_w = by_action.get("leakage_mw_at_vnom",
                           report["platform"]["nncore"].get("leakage_mw", 0.0)) * 1e-3
    convs = [l for l in report["layers"] if l["type"] == "conv2d"]
    print("| layer | unit | time (ms) | power (mW) | DRAM (MB) | buffer reads (MB) | utilisation |")
    print("|---|---|---|---|---|---|---|")
    t = e = dram = macs = 0.0
    for l in convs:
        lt, le = l["time_s"], l["energy_j"] + leak_w * l["time_s"]
        ld = l["dram_read_bytes"] + l["dram_write_bytes"]
        t += lt; e += le; dram += ld; macs += l["macs"]
        print(f"| {l['name']} | {l['unit']} | {lt * 1e3:.2f} | {le / lt * 1e3 if lt else 0:.0f} | "
              f"{ld / 1e6:.2f} | {l.get('sram_read_bytes', 0) / 1e6:.1f} | {l['utilization']:.2f} |")
    paper_t = batch / paper["fps"]
    paper_dram = paper["dram_per_mac"] * macs * 2
    print(f"| **all CONV** | | {t * 1e3:.1f} | {e / t * 1e3:.0f} | {dram / 1e6:.1f} | | |")
    print(f"| **published** | | {paper_t * 1e3:.1f} | {paper['power_w'] * 1e3:.0f} | "
          f"{paper_dram / 1e6:.1f} | | |")
    print(f"\nbatch {batch}, {macs / 1e9:.3f} GMAC, {e / macs * 1e12:.1f} pJ/MAC; latency {t / paper_t:.2f}x, power "
          f"{e / t / paper['power_w']:.2f}x, DRAM traffic {dram / paper_dram:.2f}x the chip's")


if __name__ == "__main__":
    main(sys.argv)
