// One step of an open-loop messaging run: a sender process posts messages at a fixed rate
// while socket processes time their deliveries; then the counts are merged and checked.
import { writeFileSync } from "node:fs";
import type { CollectResult, Driver, SendResult, SendTarget } from "./driver-protocol.ts";
import { ProcessMeter } from "./proc.ts";
import { type Summary, summarize } from "./stats.ts";

export type MessagingSetup = {
  sender: Driver;
  /** Socket processes, each with how many of its counted sockets receive every message. */
  receivers: { driver: Driver; perMessage: number }[];
  targets: SendTarget[];
  /** Processes whose CPU and memory are measured (the servers). */
  serverPids: number[];
};

export type StepResult = {
  offered: number;
  /** Messages accepted per second (HTTP 200), first scheduled send to last answer. */
  achieved: number;
  sent: number;
  errors: number;
  errorKinds: Record<string, number>;
  shed: number;
  /** Deliveries expected but not received, and received more than once. */
  lost: number;
  duplicates: number;
  deliveries: number;
  deliveriesPerSecond: number;
  /** Per message: from its scheduled send to its arrival at the last recipient. */
  latency: Summary;
  /** Per delivery, from the first receiver process (all of them when there is one). */
  perDelivery: Summary;
  sendRtt: Summary;
  maxLateMs: number;
  unexpectedCloses: number;
  cpuPercent: number;
  peakRss: number;
  saturated: boolean;
};

const PADDING = "the quick brown fox jumps over the lazy dog";
let tagCounter = 0;

export async function runStep(
  setup: MessagingSetup,
  options: {
    rate: number;
    durationMs: number;
    maxInFlight?: number;
    drainMs?: number;
    /** A file to write each message's latency to, by its scheduled time (`--timeline`, bench/tail.ts). */
    timeline?: string;
  },
): Promise<StepResult> {
  const seqs = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const tag = `r${process.pid.toString(36)}${(tagCounter++).toString(36)}`;
  await Promise.all(setup.receivers.map((r) => r.driver.call({ op: "arm", tag, seqs })));
  const meter = new ProcessMeter(setup.serverPids);
  meter.start();
  const startAt = performance.timeOrigin + performance.now() + 50;
  const send = await setup.sender.call<SendResult>({
    op: "send",
    tag,
    rate: options.rate,
    count: seqs,
    startAt,
    targets: setup.targets,
    maxInFlight: options.maxInFlight ?? 4096,
    padding: PADDING,
  });
  const collected = await Promise.all(
    setup.receivers.map((r) =>
      r.driver.call<CollectResult>({
        op: "collect",
        expected: send.ok * r.perMessage,
        idleMs: options.drainMs ?? 2000,
        maxMs: 30_000,
      }),
    ),
  );
  const usage = meter.stop();

  const perMessage = setup.receivers.reduce((sum, r) => sum + r.perMessage, 0);
  const arrivals = new Uint32Array(seqs);
  const last = new Float64Array(seqs);
  for (const c of collected) {
    for (let i = 0; i < seqs; i++) {
      arrivals[i] = (arrivals[i] ?? 0) + (c.arrivals[i] ?? 0);
      last[i] = Math.max(last[i] ?? 0, c.lastLatency[i] ?? 0);
    }
  }
  const complete: number[] = [];
  for (let i = 0; i < seqs; i++) if (arrivals[i] === perMessage) complete.push(last[i] ?? 0);
  const received = collected.reduce((sum, c) => sum + c.received, 0);
  const lastArrival = Math.max(...collected.map((c) => c.lastArrivalWall));
  const errors = Object.values(send.errors).reduce((a, b) => a + b, 0);
  const latency = summarize(complete);
  if (options.timeline) {
    // Wall-clock milliseconds, the clock the servers' stall probes write in (bench/lib/stall-probe.ts).
    const latencyMs = Array.from(last, (ms, i) => (arrivals[i] === perMessage ? Number(ms.toFixed(2)) : null));
    writeFileSync(
      options.timeline,
      JSON.stringify({ serverPids: setup.serverPids, startAt, intervalMs: 1000 / options.rate, latencyMs }),
    );
  }
  // Over the scheduled window at least: a short step's last send is due before its end.
  const achieved = send.ok / Math.max(seqs / options.rate, (send.doneAt - startAt) / 1000);
  return {
    offered: options.rate,
    achieved,
    sent: send.ok,
    errors,
    errorKinds: send.errors,
    shed: send.shed,
    lost: Math.max(0, send.ok * perMessage - received),
    duplicates: collected.reduce((sum, c) => sum + c.duplicates, 0),
    deliveries: received,
    deliveriesPerSecond: lastArrival > startAt ? received / ((lastArrival - startAt) / 1000) : 0,
    latency,
    perDelivery: collected[0]?.deliveries ?? summarize([]),
    sendRtt: send.rtt,
    maxLateMs: send.maxLateMs,
    unexpectedCloses: collected.reduce((sum, c) => sum + c.unexpectedCloses, 0),
    cpuPercent: usage.cpuPercent,
    peakRss: usage.peakRss,
    saturated: achieved < 0.9 * options.rate || send.shed > 0 || errors > 0 || latency.p99 > 1000,
  };
}

/** Steps through rates until one saturates (and that one is kept). */
export async function sweep(
  setup: MessagingSetup,
  rates: number[],
  durationMs: number,
  onStep?: (step: StepResult) => void,
  timeline?: (rate: number) => string | undefined,
): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  for (const rate of rates) {
    const step = await runStep(setup, { rate, durationMs, timeline: timeline?.(rate) });
    steps.push(step);
    onStep?.(step);
    if (step.saturated) break;
  }
  return steps;
}

/** The most messages per second accepted without loss in any step. */
export function saturationThroughput(steps: StepResult[]): number {
  return Math.max(0, ...steps.filter((s) => s.lost === 0).map((s) => s.achieved));
}
