// What a server process costs, read from Linux's /proc: CPU time and resident memory.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

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

function statusKiB(pid: number, key: "VmRSS" | "VmHWM" | "RssAnon"): number {
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
/**
 * The anonymous part of it (heaps, stacks), in bytes: the rest is pages of mapped files,
 * mostly the runtime's own code, shared and given back under memory pressure.
 */
export const anonRssBytes = (pid: number) => statusKiB(pid, "RssAnon") * 1024;
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

/** Busy CPU seconds of the whole machine, all cores (/proc/stat: everything but idle and iowait). */
function machineBusySeconds(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds of this process and everything it started: its own time, its reaped
 * children's (cutime + cstime), and the live descendants'. A child that exits moves its
 * time from the last term to the second, so the sum does not drop when a server stops.
 */
function treeCpuSeconds(root: number): number {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  let reaped = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      parents.set(pid, Number(fields[1]));
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
      if (pid === root) reaped = (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
    } catch {
      // exited meanwhile
    }
  }
  let total = reaped;
  for (const [pid, seconds] of cpu) {
    let at: number | undefined = pid;
    for (let depth = 0; at !== undefined && at > 1 && depth < 32; depth++) {
      if (at === root) {
        total += seconds;
        break;
      }
      at = parents.get(at);
    }
  }
  return total;
}

/**
 * What the rest of the machine did meanwhile: busy CPU not spent by the bench's own
 * processes (servers, generators, this one), in percent of one core. The bench shares
 * two cores with everything else; a step measured next to a busy neighbour is not a
 * figure of the server, and this says so.
 */
export class OtherLoadMeter {
  private machine = 0;
  private tree = 0;
  private at = 0;
  start() {
    this.machine = machineBusySeconds();
    this.tree = treeCpuSeconds(process.pid);
    this.at = performance.now();
  }
  stop(): { otherPercent: number; benchPercent: number } {
    const seconds = (performance.now() - this.at) / 1000;
    const tree = treeCpuSeconds(process.pid) - this.tree;
    const machine = machineBusySeconds() - this.machine;
    return { otherPercent: Math.max(0, (100 * (machine - tree)) / seconds), benchPercent: (100 * tree) / seconds };
  }
}
