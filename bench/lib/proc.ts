// What a server process costs, read from Linux's /proc: CPU time and resident memory.
import { readFileSync, writeFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function statusKiB(pid: number, key: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory now, in bytes. */
export const rssBytes = (pid: number) => statusKiB(pid, "VmRSS") * 1024;
/** Peak resident memory since start (or since the last resetPeak), in bytes. */
export const peakRssBytes = (pid: number) => statusKiB(pid, "VmHWM") * 1024;

/** Resets VmHWM to the current RSS, so each step reports its own peak (Linux ≥ 4.0). */
export function resetPeak(pid: number) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // Not permitted here: the peak then covers the process's whole life.
  }
}

/** Measures the CPU share and peak memory of some processes over a window. */
export class ProcessMeter {
  private startCpu: number[] = [];
  private startAt = 0;
  constructor(private readonly pids: number[]) {}
  start() {
    for (const pid of this.pids) resetPeak(pid);
    this.startCpu = this.pids.map(cpuSeconds);
    this.startAt = performance.now();
  }
  /** cpu: percent of one core summed over the processes; peakRss: the largest of them, bytes. */
  stop(): { cpuPercent: number; peakRss: number; seconds: number } {
    const seconds = (performance.now() - this.startAt) / 1000;
    const used = this.pids.reduce((sum, pid, i) => sum + (cpuSeconds(pid) - (this.startCpu[i] ?? 0)), 0);
    const peakRss = Math.max(...this.pids.map(peakRssBytes));
    return { cpuPercent: (100 * used) / seconds, peakRss, seconds };
  }
}
