// Scenario 3: many authenticated, idle sockets. Resident memory per socket is the growth
// of the server's RSS from before the first socket to after the last, divided by their
// number; the time is from the first connect to the last `ready` frame. The sockets are
// opened in tenths, with the RSS read after each, for the memory-against-sockets chart.
import { join } from "node:path";
import { createUsers, openBenchDatabase } from "../lib/accounts.ts";
import { Driver, type SocketSpec } from "../lib/driver-protocol.ts";
import { ProcessMeter, rssBytes } from "../lib/proc.ts";
import { type ServerProcess, startBaseline, startParley } from "../lib/processes.ts";
import type { BenchContext, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, ratio } from "../lib/stats.ts";

type ConnectFigures = {
  perSocket: number;
  ms: number;
  connected: number;
  failed: number;
  cpu: number;
  peak: number;
  /** [sockets open, MB of RSS grown since before the first] after each tenth. */
  memory: Array<[number, number]>;
};

const TENTHS = 10;

async function connectAll(
  server: ServerProcess,
  specs: SocketSpec[],
  concurrency: number,
  settleMs: number,
): Promise<ConnectFigures> {
  const settle = () => Bun.sleep(settleMs);
  const driver = new Driver("sockets");
  try {
    // A few sockets first, so one-time costs (JIT, buffers) are not charged per socket.
    const warm = await driver.connect(specs.slice(0, 10), { concurrency });
    await settle();
    const before = rssBytes(server.pid);
    const meter = new ProcessMeter([server.pid]);
    meter.start();
    const rest = specs.slice(10);
    const tenth = Math.ceil(rest.length / TENTHS);
    const memory: Array<[number, number]> = [[warm.connected, 0]];
    let connected = warm.connected;
    let failed = warm.failed;
    let ms = 0;
    for (let start = 0; start < rest.length; start += tenth) {
      const result = await driver.connect(rest.slice(start, start + tenth), { concurrency, timeoutMs: 60_000 });
      connected += result.connected;
      failed += result.failed;
      ms += result.ms;
      memory.push([connected, (rssBytes(server.pid) - before) / 1024 / 1024]);
    }
    const usage = meter.stop();
    await settle();
    const after = rssBytes(server.pid);
    return {
      perSocket: (after - before) / Math.max(1, connected - warm.connected),
      ms,
      connected,
      failed,
      cpu: usage.cpuPercent,
      peak: usage.peakRss,
      memory,
    };
  } finally {
    await driver.stop();
  }
}

function row(server: string, f: ConnectFigures, vsBaseline?: string): Row {
  return {
    scenario: "3 connections",
    server,
    step: `${count(f.connected)} sockets`,
    throughput: `${count(f.connected / (f.ms / 1000))} conn/s`,
    errors: f.failed,
    cpuPercent: f.cpu,
    peakRss: f.peak,
    vsBaseline,
    note: `${(f.perSocket / 1024).toFixed(2)} KB/socket, ${(f.ms / 1000).toFixed(2)} s`,
  };
}

export async function connections(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { sockets, concurrency, settleMs } = ctx.scale.connections;

  const baseline = await startBaseline({
    databasePath: join(ctx.workDir, "baseline-conn.db"),
    log: join(ctx.workDir, "baseline-conn.log"),
  });
  let base: ConnectFigures;
  try {
    const ws = `${baseline.url.replace("http", "ws")}/ws`;
    base = await connectAll(
      baseline,
      Array.from({ length: sockets }, (_, i) => ({ url: `${ws}?c=${i + 1}`, counted: false })),
      concurrency,
      settleMs,
    );
  } finally {
    await baseline.stop();
  }

  const dbPath = join(ctx.workDir, "connections.db");
  const handle = openBenchDatabase(dbPath);
  const users = await createUsers(handle, sockets, "conn");
  handle.close();
  const server = await startParley({ databasePath: dbPath, log: join(ctx.workDir, "parley-conn.log") });
  let parley: ConnectFigures;
  try {
    const ws = `${server.url.replace("http", "ws")}/ws`;
    parley = await connectAll(
      server,
      users.map((u) => ({ url: ws, token: u.token, counted: false })),
      concurrency,
      settleMs,
    );
  } finally {
    await server.stop();
  }

  const kb = (f: ConnectFigures) => `${(f.perSocket / 1024).toFixed(2)} KB`;
  return {
    charts: [
      {
        id: "connections-memory",
        title: "Idle sockets: the server's memory as they connect",
        x: "sockets open",
        y: "RSS grown, MB",
        series: [
          { name: "baseline", baseline: true, points: base.memory },
          { name: "Parley", points: parley.memory },
        ],
      },
    ],
    rows: [
      row("baseline", base),
      row("parley", parley, `mem ${ratio(parley.perSocket / base.perSocket)}, time ${ratio(parley.ms / base.ms)}`),
    ],
    notes: [
      `3 connections: ${count(parley.connected)} sockets — parley ${kb(parley)} per socket in ` +
        `${(parley.ms / 1000).toFixed(2)} s; baseline ${kb(base)} in ${(base.ms / 1000).toFixed(2)} s`,
    ],
    targets: [
      {
        scenario: "3 connections",
        goal: "< 5 KB per socket (10,000 sockets)",
        measured: `${kb(parley)} per socket, ${count(parley.connected)} connected, ${parley.failed} failed`,
        met: parley.failed === 0 && parley.perSocket < 5 * 1024,
      },
      {
        scenario: "3 connections",
        goal: "all connected within 2× the baseline's time",
        measured: `${(parley.ms / 1000).toFixed(2)} s vs ${(base.ms / 1000).toFixed(2)} s (${ratio(parley.ms / base.ms)})`,
        met: parley.failed === 0 && parley.ms <= 2 * base.ms,
      },
    ],
    failures: parley.failed || base.failed ? [`3 connections: ${parley.failed + base.failed} sockets failed`] : [],
  };
}
