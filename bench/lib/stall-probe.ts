// Preloaded into the servers by `bun run bench --timeline DIR` (never into Parley otherwise):
// a timer that should fire every TICK_MS notes each time it fired late, that is each time
// the event loop was held by something (a long callback, a garbage collection, a
// synchronous disk write), with the JS heap's size on both sides, so bench/tail.ts can set
// the slow messages of a step against what their server was doing then. Heap sizes, not a
// GC hook: JavaScriptCore gives scripts none, and a heap that shrank across the stall says
// a collection ran in it. The process's CPU time across the stall tells a loop that was
// busy (CPU near the stall's length) from one that waited for a core (far less).
import { heapSize } from "bun:jsc";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const TICK_MS = 2;
/** Late by more than this counts; a timer on a busy loop is routinely a millisecond or two late. */
const STALL_MS = 5;

const dir = process.env.PARLEY_BENCH_TIMELINE;
const name = process.env.PARLEY_BENCH_PROBE_NAME ?? "server";
if (dir) {
  // Flat: wall-clock start (ms), length (ms), heap bytes before, heap bytes after, CPU ms.
  const stalls: number[] = [];
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let last = performance.now();
  let lastHeap = heapSize();
  let lastCpu = cpuMs();
  setInterval(() => {
    const now = performance.now();
    const heap = heapSize();
    const cpu = cpuMs();
    if (now - last > TICK_MS + STALL_MS)
      stalls.push(performance.timeOrigin + last, now - last, lastHeap, heap, cpu - lastCpu);
    last = now;
    lastHeap = heap;
    lastCpu = cpu;
  }, TICK_MS).unref();

  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    writeFileSync(join(dir, `stalls-${name}-${process.pid}.json`), JSON.stringify({ tickMs: TICK_MS, stalls }));
  };
  // The server's own SIGTERM handler shuts it down; this one, registered first, only writes.
  process.on("SIGTERM", () => {
    write();
    // Alone, a listener would keep a server without a shutdown of its own (the baseline) alive.
    if (process.listenerCount("SIGTERM") === 1) process.exit(0);
  });
  process.on("exit", write);
}
