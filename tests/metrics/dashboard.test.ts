// The monitoring profile's files: Grafana cannot run here (no Docker daemon, no Debian
// package), so the committed dashboard is checked instead. Every query names only
// metrics a live server exposes, every panel uses the provisioned Prometheus data
// source, and promtool accepts the Prometheus configuration compose mounts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const root = join(import.meta.dir, "..", "..");
const monitoring = join(root, "deploy", "monitoring");

type Target = { expr: string; datasource?: { uid?: string } };
type Panel = { title: string; datasource?: { uid?: string }; targets?: Target[] };
const dashboard = JSON.parse(readFileSync(join(monitoring, "grafana", "dashboards", "parley.json"), "utf8")) as {
  uid: string;
  panels: Panel[];
};
const datasources = Bun.YAML.parse(
  readFileSync(join(monitoring, "grafana", "provisioning", "datasources", "prometheus.yml"), "utf8"),
) as { datasources: { uid: string; url: string }[] };

let server: TestServer;
let families = new Set<string>();
beforeAll(async () => {
  server = await startTestServer();
  const text = await (await fetch(`${server.url}/metrics`)).text();
  families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ""));
});
afterAll(() => server.close());

// A histogram's series carry suffixes on the family's name.
const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, "");

describe("Grafana dashboard", () => {
  test("has the panels the issue asks for", () => {
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(" | ");
    for (const topic of ["sends", "deliveries", "latency", "sockets", "errors", "bus", "event-loop"]) {
      expect(titles).toContain(topic);
    }
  });

  test("every query's metric exists in a live server's /metrics", () => {
    const targets = dashboard.panels.flatMap((p) => p.targets ?? []);
    expect(targets.length).toBeGreaterThan(10);
    const used = new Set(targets.flatMap((t) => [...t.expr.matchAll(/\bparley_[a-z0-9_]+/g)].map((m) => m[0])));
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((name) => !families.has(familyOf(name)));
    expect(missing).toEqual([]);
  });

  test("every panel and query uses the provisioned Prometheus data source", () => {
    const uid = datasources.datasources[0]?.uid;
    expect(datasources.datasources[0]?.url).toBe("http://prometheus:9090");
    for (const panel of dashboard.panels) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(uid);
    }
  });
});

describe("monitoring profile", () => {
  test("promtool accepts the Prometheus configuration", () => {
    if (Bun.spawnSync(["sh", "-c", "command -v promtool"]).exitCode !== 0) {
      throw new Error("promtool is missing: apt-get install -y prometheus (Debian; .ci/run does it)");
    }
    // The token file is compose's secret on the server; a stand-in here.
    const token = join(server.dir, "metrics-token");
    writeFileSync(token, "token\n");
    const config = join(server.dir, "prometheus.yml");
    writeFileSync(
      config,
      readFileSync(join(monitoring, "prometheus.yml"), "utf8").replace("/run/secrets/metrics_token", token),
    );
    const check = Bun.spawnSync(["promtool", "check", "config", config]);
    expect(check.stderr.toString()).toBe("");
    expect(check.exitCode).toBe(0);
  });

  test("compose runs Prometheus and Grafana only in the monitoring profile, Grafana on loopback", () => {
    const compose = Bun.YAML.parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
      services: Record<string, { profiles?: string[]; ports?: string[]; volumes?: string[]; secrets?: string[] }>;
    };
    const { prometheus, grafana } = compose.services;
    expect(prometheus?.profiles).toEqual(["monitoring"]);
    expect(grafana?.profiles).toEqual(["monitoring"]);
    expect(grafana?.ports).toEqual(["127.0.0.1:3001:3000"]);
    expect(prometheus?.secrets).toEqual(["metrics_token"]);
    expect(prometheus?.volumes).toContain("./deploy/monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    expect(grafana?.volumes).toContain("./deploy/monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro");
  });
});
