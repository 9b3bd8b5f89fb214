// `bun run release`: builds Parley as single-file executables (`bun build --compile`) for
// linux-x64, linux-arm64 and this machine, with the built web client and the migrations
// embedded, so that one copied file runs the chat with no Bun, repository or node_modules.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { API_READER_BUNDLE, EMBEDDED_FOLDERS } from "../src/runtime-files.ts";
import { buildInfo } from "../src/version.ts";
import { ensureWebBundle } from "./web-bundle.ts";

const ROOT = join(import.meta.dir, "..");
export const TARGETS = ["linux-x64", "linux-arm64"] as const;
export type Target = (typeof TARGETS)[number] | "host";

const USAGE = `usage: bun run release [--target T]... [--out DIR]

Builds dist/parley-VERSION-linux-x64, dist/parley-VERSION-linux-arm64 and dist/parley
(for this machine), each one file with the web client and the migrations inside, and
dist/SHA256SUMS. Copy one to a Linux machine and run \`./parley serve\`.

  --target T   linux-x64, linux-arm64 or host (repeatable; default: all three)
  --out DIR    where to write them (default: dist)`;

/** Builds one executable; throws with what to do when Bun cannot build it. */
export async function buildExecutable(target: Target, outfile: string, options: { quiet?: boolean } = {}) {
  const { commit } = buildInfo();
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src/cli/parley.ts")],
    compile: {
      outfile,
      ...(target === "host" ? {} : { target: `bun-${target}` as Bun.Build.CompileTarget }),
      // Relative to the working directory: they keep their last path segment inside.
      // The API docs reader (a development dependency) lands at the root as standalone.js.
      assets: [...EMBEDDED_FOLDERS.map((folder) => join(ROOT, folder)), join(ROOT, "node_modules", API_READER_BUNDLE)],
      // The executable reads only what it is told (--config FILE, the environment): no
      // .env or bunfig.toml picked up from whatever directory it is started in.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    minify: true,
    bytecode: true,
    format: "esm",
    sourcemap: "none",
    define: { PARLEY_BUILD_COMMIT: JSON.stringify(commit) },
    throw: false,
  });
  if (!result.success) {
    const messages = result.logs.map((log) => String(log.message ?? log)).join("\n");
    const fetching = /download|fetch|network|registry|ENOTFOUND|ECONNREFUSED/i.test(messages);
    throw new Error(
      fetching
        ? `could not build ${target}: Bun needs its ${target} runtime, which it downloads once from the npm registry, and the download failed. Build on a machine that can reach the registry, or build the host target only (--target host).\n${messages}`
        : `could not build ${target}:\n${messages}`,
    );
  }
  if (!options.quiet) console.log(`built ${outfile} (${megabytes(statSync(outfile).size)})`);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

async function main() {
  let values: { target?: string[]; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        target: { type: "string", multiple: true },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const targets = (values.target ?? [...TARGETS, "host"]) as Target[];
  const unknown = targets.filter((t) => t !== "host" && !TARGETS.includes(t as (typeof TARGETS)[number]));
  if (unknown.length) {
    console.error(`unknown target ${unknown.join(", ")}: choose from ${[...TARGETS, "host"].join(", ")}`);
    return 2;
  }
  const out = values.out ?? join(ROOT, "dist");
  mkdirSync(out, { recursive: true });
  await ensureWebBundle({ root: ROOT });

  const { version } = buildInfo();
  const built: string[] = [];
  const failed: string[] = [];
  for (const target of targets) {
    const file = join(out, target === "host" ? "parley" : `parley-${version}-${target}`);
    try {
      await buildExecutable(target, file);
      built.push(file);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      failed.push(target);
    }
  }
  const sums = built.map((file) => `${sha256(file)}  ${basename(file)}`);
  writeFileSync(join(out, "SHA256SUMS"), sums.length ? `${sums.join("\n")}\n` : "");
  if (failed.length) {
    console.error(`not built: ${failed.join(", ")} (see above); built: ${built.map((f) => basename(f)).join(", ")}`);
    return 1;
  }
  console.log(`checksums in ${join(out, "SHA256SUMS")}`);
  return 0;
}

if (import.meta.main) process.exit(await main());
