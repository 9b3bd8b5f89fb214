// The results of a run: rows of the printed table, and the targets checked against them.
import type { TestPostgres } from "../../tests/helpers/postgres.ts";
import type { Chart } from "./charts.ts";
import type { Scale } from "./scale.ts";
import { count, markdownTable, ms, type Summary } from "./stats.ts";

export type Row = {
  scenario: string;
  server: string;
  step: string;
  throughput: string;
  latency?: Summary;
  lost?: number;
  duplicates?: number;
  errors?: number;
  cpuPercent?: number;
  peakRss?: number;
  vsBaseline?: string;
  note?: string;
};

export type TargetCheck = { scenario: string; goal: string; measured: string; met: boolean | null };

export type ScenarioOutcome = {
  rows: Row[];
  targets: TargetCheck[];
  notes: string[];
  /** Anything that makes the run wrong rather than slow: lost messages, failed sockets. */
  failures?: string[];
  /** Curves for docs/BENCHMARKS.md (bench/lib/charts.ts). */
  charts?: Chart[];
};

export type BenchContext = {
  scale: Scale;
  log(line: string): void;
  /** Scratch folder for this run (databases, logs), removed at the end. */
  workDir: string;
  /** `--timeline DIR`: scenario 1's steps write each message's latency there (bench/tail.ts reads it). */
  timelineDir?: string;
  /** The generated history database, shared by scenarios 4 and 6. */
  historyDb?: HistoryDb;
  /**
   * The PostgreSQL cluster of this run, when scenarios 1, 2 and 4 also run Parley on
   * PostgreSQL (rows "parley (postgres)"); each takes a fresh database of it.
   */
  postgres?: TestPostgres;
};

export type HistoryDb = {
  /** The SQLite file, or on PostgreSQL the database's URL. */
  path: string;
  messages: number;
  conversations: number;
  hubUserId: number;
  hubToken: string;
  hubConversations: number;
  deepConversationId: number;
  deepBeforeId: number;
  seconds: number;
  bytes: number;
};

export const mb = (bytes: number | undefined) =>
  bytes === undefined || Number.isNaN(bytes) ? "–" : (bytes / 1024 / 1024).toFixed(0);

export function renderRows(rows: Row[]): string {
  const header = [
    "scenario",
    "server",
    "step",
    "throughput",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "p99.9 ms",
    "max ms",
    "lost",
    "dup",
    "err",
    "CPU %",
    "RSS MB",
    "vs baseline",
    "note",
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.server,
    r.step,
    r.throughput,
    ms(r.latency?.p50),
    ms(r.latency?.p95),
    ms(r.latency?.p99),
    ms(r.latency?.p999),
    ms(r.latency?.max),
    r.lost === undefined ? "–" : count(r.lost),
    r.duplicates === undefined ? "–" : count(r.duplicates),
    r.errors === undefined ? "–" : count(r.errors),
    r.cpuPercent === undefined ? "–" : r.cpuPercent.toFixed(0),
    mb(r.peakRss),
    r.vsBaseline ?? "",
    r.note ?? "",
  ]);
  return markdownTable(header, body);
}

export function renderTargets(targets: TargetCheck[]): string {
  return markdownTable(
    ["scenario", "target", "measured", "met"],
    targets.map((t) => [t.scenario, t.goal, t.measured, t.met === null ? "n/a" : t.met ? "yes" : "NO"]),
  );
}
