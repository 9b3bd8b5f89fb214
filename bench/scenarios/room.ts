// Scenario 2: one room with every member connected, messages posted at a fixed rate;
// latency is to the *last* member to receive each message. Baseline: the same through
// one topic of the hand-written server.
import { join } from "node:path";
import { createRoom, createUsers, openBenchDatabase } from "../lib/accounts.ts";
import {
  baselineSendTarget,
  Driver,
  parleySendTarget,
  type SendTarget,
  type SocketSpec,
} from "../lib/driver-protocol.ts";
import { type MessagingSetup, runStep, type StepResult } from "../lib/messaging.ts";
import { type ServerProcess, startBaseline, startParley } from "../lib/processes.ts";
import type { BenchContext, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, ratio } from "../lib/stats.ts";

const SOCKET_PROCESSES = 2;
const SENDERS = 10;

async function measureRoom(
  ctx: BenchContext,
  label: string,
  server: ServerProcess,
  specs: SocketSpec[],
  targets: SendTarget[],
): Promise<StepResult[]> {
  const { rates, stepMs } = ctx.scale.room;
  const sender = new Driver("sender");
  const socketDrivers = Array.from({ length: SOCKET_PROCESSES }, (_, i) => new Driver(`sockets${i}`));
  try {
    const shares = socketDrivers.map((_, i) => specs.filter((_, j) => j % SOCKET_PROCESSES === i));
    const connected = await Promise.all(socketDrivers.map((d, i) => d.connect(shares[i] ?? [])));
    const failed = connected.reduce((sum, c) => sum + c.failed, 0);
    if (failed) throw new Error(`${failed} sockets failed: ${JSON.stringify(connected.map((c) => c.errors))}`);
    const setup: MessagingSetup = {
      sender,
      receivers: socketDrivers.map((driver, i) => ({ driver, perMessage: shares[i]?.length ?? 0 })),
      targets,
      serverPids: [server.pid],
    };
    await runStep(setup, { rate: Math.min(50, rates[0] ?? 50), durationMs: Math.min(500, stepMs) });
    const steps: StepResult[] = [];
    for (const rate of rates) {
      const step = await runStep(setup, { rate, durationMs: stepMs });
      steps.push(step);
      ctx.log(
        `  ${label} ${count(rate)} msg/s → ${count(step.deliveriesPerSecond)} deliveries/s, last member p99 ` +
          `${step.latency.p99.toFixed(1)} ms${step.lost ? ` lost ${step.lost}` : ""}${step.saturated ? " (saturated)" : ""}`,
      );
      if (step.saturated || step.latency.p99 > 500) break;
    }
    return steps;
  } finally {
    await Promise.all([sender.stop(), ...socketDrivers.map((d) => d.stop())]);
  }
}

function roomRow(server: string, s: StepResult, vsBaseline?: string): Row {
  return {
    scenario: "2 room",
    server,
    step: `${count(s.offered)} msg/s`,
    throughput: `${count(s.deliveriesPerSecond)} deliv/s`,
    latency: s.latency,
    lost: s.lost,
    duplicates: s.duplicates,
    errors: s.errors + s.shed,
    cpuPercent: s.cpuPercent,
    peakRss: s.peakRss,
    vsBaseline,
  };
}

export async function roomFanOut(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { members } = ctx.scale.room;
  const wsPath = (server: ServerProcess) => `${server.url.replace("http", "ws")}/ws`;

  const baseline = await startBaseline({
    databasePath: join(ctx.workDir, "baseline-room.db"),
    log: join(ctx.workDir, "baseline-room.log"),
  });
  let baselineSteps: StepResult[];
  try {
    const specs = Array.from({ length: members }, () => ({ url: `${wsPath(baseline)}?c=1`, counted: true }));
    const targets = Array.from({ length: Math.min(SENDERS, members) }, (_, i) =>
      baselineSendTarget(baseline.url, i + 1, 1),
    );
    baselineSteps = await measureRoom(ctx, "baseline", baseline, specs, targets);
  } finally {
    await baseline.stop();
  }

  const dbPath = join(ctx.workDir, "room.db");
  const handle = openBenchDatabase(dbPath);
  const users = await createUsers(handle, members, "member");
  const roomId = createRoom(
    handle,
    "bench room",
    users.map((u) => u.id),
  );
  handle.close();
  const server = await startParley({ databasePath: dbPath, log: join(ctx.workDir, "parley-room.log") });
  let parleySteps: StepResult[];
  try {
    const specs = users.map((u) => ({ url: wsPath(server), token: u.token, counted: true }));
    const targets = users.slice(0, SENDERS).map((u) => parleySendTarget(server.url, u.token, roomId));
    parleySteps = await measureRoom(ctx, "parley", server, specs, targets);
  } finally {
    await server.stop();
  }

  const rows = baselineSteps.map((s) => roomRow("baseline", s));
  for (const s of parleySteps) {
    const base = baselineSteps.find((b) => b.offered === s.offered);
    rows.push(roomRow("parley", s, base ? `p99 ${ratio(s.latency.p99 / base.latency.p99)}` : undefined));
  }
  const good = (steps: StepResult[]) =>
    Math.max(0, ...steps.filter((s) => s.lost === 0 && s.latency.p99 < 50).map((s) => s.deliveriesPerSecond));
  const best = good(parleySteps);
  const full = members >= 1000;
  return {
    rows,
    notes: [
      `2 room (${count(members)} members): most deliveries/s with p99 < 50 ms — parley ${count(best)}, ` +
        `baseline ${count(good(baselineSteps))} (${ratio(best / good(baselineSteps))})`,
    ],
    targets: [
      {
        scenario: "2 room",
        goal: "500,000 deliveries/s, p99 < 50 ms (1,000 members)",
        measured: `${count(best)} deliveries/s with p99 < 50 ms`,
        met: full ? best >= 500_000 : null,
      },
    ],
  };
}
