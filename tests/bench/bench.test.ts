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
      "8 web",
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

  test("--timeline has every server note its stalls, and bench/tail.ts sets each step's slowest messages against them", async () => {
    const out = tempDir();
    const run = Bun.spawnSync([process.execPath, "bench/run.ts", "--tiny", "--only", "1", "--timeline", out], {
      cwd: root,
    });
    if (run.exitCode !== 0) console.error(run.stdout.toString(), run.stderr.toString());
    expect(run.exitCode).toBe(0);
    const tail = Bun.spawnSync([process.execPath, "bench/tail.ts", out], { cwd: root });
    const report = tail.stdout.toString();
    if (tail.exitCode !== 0) console.error(report, tail.stderr.toString());
    for (const step of ["baseline-50", "parley-50", "parley-socket-50"]) {
      const section = report.split(`\n${step}: `)[1]?.split("\n\n")[0] ?? "";
      expect(section).toMatch(/^10 messages\n {2}latency ms: p50 [\d.]+, p99 [\d.]+, p99\.9 [\d.]+, max [\d.]+/);
      // The probe's file was written at the server's shutdown and found by its pid.
      expect(section).toMatch(/server loop held [\d.]+ ms of [\d.]+ \([\d.]+%\) in \d+ stalls/);
      expect(section).toMatch(/in flight during a stall: [\d.]+% of the slowest 1% \(1\)/);
    }
    removeDir(out);
  }, 120_000);

  test("bun run bench --postgres runs sends, the room and history on PostgreSQL beside SQLite, and stops its cluster", async () => {
    const run = Bun.spawn([process.execPath, "bench/run.ts", "--tiny", "--postgres", "--only", "1,2,4"], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [output, errors, code] = await Promise.all([
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
      run.exited,
    ]);
    if (code !== 0) console.error(output, errors);
    expect(code).toBe(0);
    for (const [scenario, server] of [
      ["1 direct", "parley"],
      ["1 direct", "parley \\(postgres\\)"],
      ["2 room", "parley"],
      ["2 room", "parley \\(postgres\\)"],
      ["4 history", "parley in-server"],
      ["4 history", "parley in-server \\(postgres\\)"],
    ]) {
      expect(output).toMatch(new RegExp(`^\\| ${scenario} +\\| ${server} +\\|`, "m"));
    }
    // The PostgreSQL targets are reported (not judged at this scale).
    expect(output).toMatch(/^\| 1 direct \(postgres\) +\| saturation ≥ 1,500 msg\/s/m);
    expect(output).toMatch(/^\| 1 direct \(postgres\) +\| p99 < 20 ms at 500\/s/m);
    expect(output).toMatch(/^\| 4 history \(postgres\) +\| latest page p99 < 5 ms/m);
    expect(output).toContain("lost deliveries: 0, duplicate deliveries: 0");
    expect(output).not.toContain("FAILURES");

    // Nothing listens any more where the run's cluster did.
    const port = Number(output.match(/a cluster of this run on 127\.0\.0\.1:(\d+)/)?.[1]);
    expect(port).toBeGreaterThan(0);
    const refused = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
      (socket) => {
        socket.end();
        return false;
      },
      () => true,
    );
    expect(refused).toBe(true);
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
