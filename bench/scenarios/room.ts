// Scenario 2: one room with every member connected, messages posted at a fixed rate;
// latency is to the *last* member to receive each message. Baseline: the same through
// one topic of the hand-written server. Then Parley again at its first rate with
// reactions flowing beside the messages (each one a change every member receives, as a
// message is), to show that fan-out holds when the room is busy with more than messages.
import { join } from "node:path";
import { createRoom, createUsers, openBenchDatabase } from "../lib/accounts.ts";
import {
  baselineSendTarget,
  Driver,
  parleySendTarget,
  type SendResult,
  type SendTarget,
  type SocketSpec,
} from "../lib/driver-protocol.ts";
import { type MessagingSetup, runStep, type StepResult } from "../lib/messaging.ts";
import {
  createBenchDatabase,
  createRoom as createPostgresRoom,
  createUsers as createPostgresUsers,
  type TestPostgres,
} from "../lib/postgres.ts";
import { type ServerProcess, startBaseline, startParley } from "../lib/processes.ts";
import type { BenchContext, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, ratio } from "../lib/stats.ts";

const SOCKET_PROCESSES = 2;
const SENDERS = 10;
/** Members who toggle a reaction during the reactions step (each on, then off, in turn). */
const REACTORS = 10;

/**
 * A `history.react` on `messageId` as a SendTarget: the driver's text goes into a field
 * the procedure's input drops (zod strips unknown keys), so the bench's send loop can
 * pace reactions as it paces messages.
 */
function reactTarget(baseUrl: string, token: string, messageId: number, on: boolean): SendTarget {
  return {
    url: `${baseUrl}/trpc/history.react`,
    headers: { authorization: `Bearer ${token}` },
    prefix: `${JSON.stringify({ id: messageId, emoji: "👍", on }).slice(0, -1)},"pace":"`,
    suffix: `"}`,
  };
}

/** Reactions paced beside the messages of one step: their targets, and how many a second. */
type ReactionLoad = { targets: SendTarget[]; rate: number };

async function measureRoom(
  ctx: BenchContext,
  label: string,
  server: ServerProcess,
  specs: SocketSpec[],
  targets: SendTarget[],
  reactions?: ReactionLoad,
): Promise<{ steps: StepResult[]; reacted?: SendResult }> {
  const { stepMs } = ctx.scale.room;
  // With reactions: one step, at the first rate (where both servers hold).
  const rates = reactions ? ctx.scale.room.rates.slice(0, 1) : ctx.scale.room.rates;
  const sender = new Driver("sender");
  const reactor = reactions ? new Driver("reactor") : null;
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
    let reacted: SendResult | undefined;
    for (const rate of rates) {
      const reacting =
        reactor && reactions
          ? reactor.call<SendResult>({
              op: "send",
              tag: "react",
              rate: reactions.rate,
              count: Math.max(1, Math.round((reactions.rate * stepMs) / 1000)),
              startAt: performance.timeOrigin + performance.now() + 50,
              targets: reactions.targets,
              maxInFlight: 4096,
              padding: "",
            })
          : undefined;
      const step = await runStep(setup, { rate, durationMs: stepMs });
      reacted = await reacting;
      steps.push(step);
      ctx.log(
        `  ${label} ${count(rate)} msg/s → ${count(step.deliveriesPerSecond)} deliveries/s, last member p99 ` +
          `${step.latency.p99.toFixed(1)} ms${step.lost ? ` lost ${step.lost}` : ""}${step.saturated ? " (saturated)" : ""}`,
      );
      if (reacted) {
        const refused = Object.values(reacted.errors).reduce((a, b) => a + b, 0);
        ctx.log(
          `    with ${count(reactions?.rate ?? 0)} reactions/s beside: ${count(reacted.ok)} stored, ${refused} refused`,
        );
      }
      if (step.saturated || step.latency.p99 > 500) break;
    }
    return { steps, reacted };
  } finally {
    await Promise.all([sender.stop(), reactor?.stop(), ...socketDrivers.map((d) => d.stop())]);
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

/** The room's sweep again (messages alone), with Parley on a fresh database of the run's PostgreSQL cluster. */
async function roomOnPostgres(ctx: BenchContext, cluster: TestPostgres): Promise<StepResult[]> {
  const url = await createBenchDatabase(cluster, "room");
  const users = await createPostgresUsers(url, ctx.scale.room.members, "member");
  const roomId = await createPostgresRoom(url, "bench room", "member");
  const server = await startParley({
    databasePath: join(ctx.workDir, "room-postgres.db"),
    databaseUrl: url,
    log: join(ctx.workDir, "parley-room-postgres.log"),
  });
  try {
    const wsUrl = `${server.url.replace("http", "ws")}/ws`;
    const specs = users.map((u) => ({ url: wsUrl, token: u.token, counted: true }));
    const targets = users.slice(0, SENDERS).map((u) => parleySendTarget(server.url, u.token, roomId));
    return (await measureRoom(ctx, "parley (postgres)", server, specs, targets)).steps;
  } finally {
    await server.stop();
  }
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
    baselineSteps = (await measureRoom(ctx, "baseline", baseline, specs, targets)).steps;
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
  let withReactions: StepResult | undefined;
  let reacted: SendResult | undefined;
  try {
    const specs = users.map((u) => ({ url: wsPath(server), token: u.token, counted: true }));
    const targets = users.slice(0, SENDERS).map((u) => parleySendTarget(server.url, u.token, roomId));
    parleySteps = (await measureRoom(ctx, "parley", server, specs, targets)).steps;

    // The message everyone reacts to, sent before the step (its frames carry no step's tag).
    const reactedTo = await postMessage(server.url, users[0]?.token ?? "", roomId, "React to this one");
    const reactors = users.slice(0, Math.min(REACTORS, users.length));
    const reactionTargets = reactors.flatMap((u) => [
      reactTarget(server.url, u.token, reactedTo, true),
      reactTarget(server.url, u.token, reactedTo, false),
    ]);
    const rate = ctx.scale.room.rates[0] ?? 20;
    const run = await measureRoom(ctx, "parley + reactions", server, specs, targets, {
      targets: reactionTargets,
      rate,
    });
    withReactions = run.steps[0];
    reacted = run.reacted;
  } finally {
    await server.stop();
  }
  const postgresSteps = ctx.postgres ? await roomOnPostgres(ctx, ctx.postgres) : undefined;

  const rows = baselineSteps.map((s) => roomRow("baseline", s));
  const vsBaseline = (s: StepResult) => {
    const base = baselineSteps.find((b) => b.offered === s.offered);
    return base ? `p99 ${ratio(s.latency.p99 / base.latency.p99)}` : undefined;
  };
  for (const s of parleySteps) rows.push(roomRow("parley", s, vsBaseline(s)));
  const alone = parleySteps.find((s) => s.offered === withReactions?.offered);
  if (withReactions) {
    rows.push(
      roomRow(
        "parley + reactions",
        withReactions,
        alone ? `p99 ${ratio(withReactions.latency.p99 / alone.latency.p99)} of alone` : undefined,
      ),
    );
  }
  for (const s of postgresSteps ?? []) rows.push(roomRow("parley (postgres)", s, vsBaseline(s)));
  const reactionsRefused = reacted ? Object.values(reacted.errors).reduce((a, b) => a + b, 0) : 0;
  // Holding: nothing lost, every reaction stored, and the last member's p99 still under 50 ms.
  const held = withReactions
    ? withReactions.lost === 0 &&
      withReactions.duplicates === 0 &&
      reactionsRefused === 0 &&
      withReactions.latency.p99 < 50
    : false;
  const good = (steps: StepResult[]) =>
    Math.max(0, ...steps.filter((s) => s.lost === 0 && s.latency.p99 < 50).map((s) => s.deliveriesPerSecond));
  const best = good(parleySteps);
  const full = members >= 1000;
  // Issue 19's form of the target: at the rate that offers 500,000 deliveries/s (500 msg/s to
  // 1,000 members), the last member's p99 against the baseline's at that same rate.
  const targetRate = Math.round(500_000 / members);
  const atTarget = parleySteps.find((s) => s.offered === targetRate);
  const baseAtTarget = baselineSteps.find((s) => s.offered === targetRate);
  const curve = (steps: StepResult[]): Array<[number, number]> =>
    steps.map((s) => [s.offered * members, s.latency.p99]);
  return {
    rows,
    charts: [
      {
        id: "room-latency",
        title: `A room of ${count(members)}: the last member's p99 against offered deliveries`,
        x: "offered deliveries/s (messages/s × members)",
        y: "send → last member, p99 ms",
        logY: true,
        series: [
          { name: "baseline", baseline: true, points: curve(baselineSteps) },
          { name: "Parley", points: curve(parleySteps) },
          ...(withReactions ? [{ name: "Parley + reactions", dashed: true, points: curve([withReactions]) }] : []),
          ...(postgresSteps ? [{ name: "Parley (postgres)", points: curve(postgresSteps) }] : []),
        ],
      },
    ],
    notes: [
      `2 room (${count(members)} members): most deliveries/s with p99 < 50 ms — parley ${count(best)}, ` +
        `baseline ${count(good(baselineSteps))} (${ratio(best / good(baselineSteps))})` +
        (postgresSteps
          ? `; parley on PostgreSQL ${count(good(postgresSteps))} (${ratio(good(postgresSteps) / good(baselineSteps))})`
          : ""),
    ],
    targets: [
      {
        scenario: "2 room",
        goal: "500,000 deliveries/s, p99 < 50 ms (1,000 members)",
        measured: `${count(best)} deliveries/s with p99 < 50 ms`,
        met: full ? best >= 500_000 : null,
      },
      {
        scenario: "2 room",
        goal: "500,000 deliveries/s at p99 ≤ 1.2× baseline's at that rate (1,000 members)",
        measured:
          atTarget && baseAtTarget
            ? `${count(atTarget.deliveriesPerSecond)} deliveries/s, p99 ${atTarget.latency.p99.toFixed(1)} ms vs ` +
              `${baseAtTarget.latency.p99.toFixed(1)} ms (${ratio(atTarget.latency.p99 / baseAtTarget.latency.p99)}), ` +
              `lost ${atTarget.lost}`
            : `no step at ${count(targetRate)} msg/s in this sweep`,
        met:
          full && atTarget && baseAtTarget
            ? atTarget.lost === 0 && !atTarget.saturated && atTarget.latency.p99 <= 1.2 * baseAtTarget.latency.p99
            : null,
      },
      {
        scenario: "2 room",
        goal: "with reactions flowing: nothing lost, p99 < 50 ms",
        measured: withReactions
          ? `${count(withReactions.offered)} msg/s + ${count(reacted?.ok ?? 0)} reactions (${reactionsRefused} refused): ` +
            `lost ${withReactions.lost}, p99 ${withReactions.latency.p99.toFixed(1)} ms` +
            (alone ? ` (alone ${alone.latency.p99.toFixed(1)} ms)` : "")
          : "not run",
        met: held,
      },
    ],
  };
}

/** Sends one message through the API and returns its id. */
async function postMessage(baseUrl: string, token: string, conversationId: number, body: string): Promise<number> {
  const response = await fetch(`${baseUrl}/trpc/history.send`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ to: { conversationId }, body }),
  });
  if (!response.ok) throw new Error(`history.send answered ${response.status}: ${await response.text()}`);
  const answer = (await response.json()) as { result: { data: { id: number } } };
  return answer.result.data.id;
}
