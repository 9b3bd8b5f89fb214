// Versions an operator can rely on: one Bun version in package.json "engines", the
// Dockerfile and .ci/run (and the Bun running these tests is that one), exact image
// tags in compose, and shellcheck clean on every shell script we ship.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("pinned versions", () => {
  const engines = (JSON.parse(read("package.json")) as { engines?: { bun?: string } }).engines?.bun ?? "";

  test("package.json pins one exact Bun version", () => {
    expect(engines).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("the Dockerfile and .ci/run use the same Bun, and so do these tests", () => {
    expect(read("Dockerfile")).toContain(`FROM oven/bun:${engines} AS base`);
    expect(read(".ci/run")).toContain(`BUN_VERSION=${engines}\n`);
    expect(Bun.version).toBe(engines);
  });

  test("every compose image has an exact tag, and ours is parley:<version>", () => {
    const compose = Bun.YAML.parse(read("docker-compose.yml")) as {
      services: Record<string, { image?: string; logging?: { options?: Record<string, string> } }>;
    };
    for (const [name, service] of Object.entries(compose.services)) {
      const image = service.image ?? "";
      // ${VAR:-default}: the default is what runs unless the operator pins a digest.
      const effective = image.match(/^\$\{\w+:-(.+)\}$/)?.[1] ?? image;
      if (effective.startsWith("parley:")) {
        expect(`${name}: ${image}`).toBe(`${name}: parley:\${PARLEY_VERSION:-dev}`);
      } else if (effective.startsWith("postgres:")) {
        // PostgreSQL's versions have two parts (major.minor).
        expect(`${name}: ${effective}`).toMatch(/: postgres:\d+\.\d+-\w+$/);
      } else {
        expect(`${name}: ${effective}`).toMatch(/: [\w./-]+:v?\d+\.\d+\.\d+(-\w+)?$/);
      }
      // Logs bounded on every container.
      expect({ name, options: service.logging?.options }).toEqual({
        name,
        options: { "max-size": "10m", "max-file": "5" },
      });
    }
  });
});

describe("shellcheck", () => {
  test("the deploy scripts, .ci/run and scripts/*.sh pass shellcheck", () => {
    if (Bun.spawnSync(["sh", "-c", "command -v shellcheck"]).exitCode !== 0) {
      throw new Error("shellcheck is not installed: apt-get install -y shellcheck (Debian/Ubuntu; .ci/run does it)");
    }
    const deploy = readdirSync(join(root, "deploy"), { withFileTypes: true })
      .filter(
        (e) => e.isFile() && (e.name.endsWith(".sh") || read(`deploy/${e.name}`).startsWith("#!/usr/bin/env bash")),
      )
      .map((e) => `deploy/${e.name}`);
    const scripts = readdirSync(join(root, "scripts"))
      .filter((name) => name.endsWith(".sh"))
      .map((name) => `scripts/${name}`);
    const files = [...deploy, ".ci/run", ...scripts];
    expect(deploy).toContain("deploy/03-deploy-repo");
    const result = Bun.spawnSync(["shellcheck", "-x", ...files], { cwd: root });
    expect(result.stdout.toString()).toBe("");
    expect(result.exitCode).toBe(0);
  }, 60_000);
});
