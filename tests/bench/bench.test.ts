// The bench harness checks itself: its quick mode at a toy scale prints the table, and
// every message of every scenario arrives exactly once. Figures never gate a test.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { baselineSendTarget, Driver } from "../../bench/lib/driver-protocol.ts";
import { runStep } from "../../bench/lib/messaging.ts";
import { removeDir, startBaseline, tempDir } from "../../bench/lib/processes.ts";

const root = join(import.meta.dir, "../..");

describe("bench", () => {
  test("bun run bench --tiny runs every scenario, prints the table, loses nothing, draws its charts", async () => {
    const out = tempDir();
    const run = Bun.spawn(
      [process.execPath, "bench/run.ts", "--tiny", "--json", join(out, "run.json"), "--charts", join(out, "charts")],
      { cwd: root, stdout: "pipe", stderr: "pipe" },
    );
    const [output, errors, code] = await Promise.all([
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
      run.exited,
    ]);
    if (code !== 0) console.error(output, errors);
    expect(code).toBe(0);
    expect(output).toContain("## Results");
    expect(output).toContain("## Targets");
    for (const scenario of [
      "1 direct",
      "2 room",
      "3 connections",
      "4 history",
      "5 two instances",
      "6 cold start",
      "7 search",
    ]) {
      expect(output).toMatch(new RegExp(`^\\| ${scenario} +\\| parley`, "m"));
    }
    expect(output).toContain("lost deliveries: 0, duplicate deliveries: 0");
    // Each scenario says how much CPU other processes took meanwhile (a shared machine).
    expect(output).toMatch(/the bench's processes used \d+% of a core, other processes on the machine \d+%/);
    expect(output).not.toContain("FAILURES");

    // The curves docs/BENCHMARKS.md shows, from this run and again from its JSON.
    const charts = ["direct-latency", "room-latency", "connections-memory"];
    for (const chart of charts) {
      const svg = await Bun.file(join(out, "charts", `${chart}.svg`)).text();
      expect(svg).toContain('<g data-series="Parley');
      expect(svg).toContain("<circle");
    }
    const again = Bun.spawnSync([process.execPath, "bench/charts.ts", join(out, "run.json"), join(out, "again")], {
      cwd: root,
    });
    expect(again.exitCode).toBe(0);
    for (const chart of charts)
      expect(await Bun.file(join(out, "again", `${chart}.svg`)).text()).toBe(
        await Bun.file(join(out, "charts", `${chart}.svg`)).text(),
      );
    removeDir(out);
  }, 180_000);

  test("a message that never reaches its recipient is counted as lost", async () => {
    const dir = tempDir();
    const server = await startBaseline({ databasePath: join(dir, "baseline.db"), log: join(dir, "baseline.log") });
    const sender = new Driver("sender");
    const sockets = new Driver("sockets");
    try {
      // The recipient listens to conversation 2; the messages go to conversation 1.
      const connected = await sockets.connect([{ url: `${server.url.replace("http", "ws")}/ws?c=2`, counted: true }]);
      expect(connected.connected).toBe(1);
      const step = await runStep(
        {
          sender,
          receivers: [{ driver: sockets, perMessage: 1 }],
          targets: [baselineSendTarget(server.url, 1, 1)],
          serverPids: [server.pid],
        },
        { rate: 100, durationMs: 100, drainMs: 300 },
      );
      expect(step.sent).toBe(10);
      expect(step.lost).toBe(10);
      expect(step.deliveries).toBe(0);
    } finally {
      await Promise.all([sender.stop(), sockets.stop()]);
      await server.stop();
      removeDir(dir);
    }
  }, 20_000);
});
