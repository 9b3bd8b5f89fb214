// Builds the web client into web/dist: hashed assets under /assets (served immutable),
// index.html without inline scripts (the server's CSP allows only 'self').
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

const server = process.env.PARLEY_DEV_SERVER ?? "http://localhost:3000";

/**
 * Writes sw.js: service-worker.js with this build's shell (hashed assets, public files)
 * inlined, and a version from their names, so each deploy is a new worker.
 */
function serviceWorker(): Plugin {
  const publicFiles = ["/favicon.svg", "/manifest.webmanifest", "/icon-192.png", "/icon-512.png"];
  return {
    name: "parley-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle)
        .filter((name) => name.startsWith("assets/"))
        .map((name) => `/${name}`);
      const files = [...assets, ...publicFiles].sort();
      const version = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 12);
      const source = readFileSync(new URL("service-worker.js", import.meta.url), "utf8");
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: source.replace("self.__PARLEY_SHELL__", JSON.stringify({ version, files })),
      });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [solid(), serviceWorker()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    // `bun run dev:web`: the Vite dev server in front of a running `bun run dev`.
    proxy: {
      "/api": server,
      "/trpc": server,
      "/ws": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
});
