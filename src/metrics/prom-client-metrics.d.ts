// Types for the default-metric modules of prom-client that metrics.ts registers one by one
// (the package types only collectDefaultMetrics, which registers them all). Each adds its
// metrics to the registry; eventLoopMonitoringPrecision is collectDefaultMetrics' default.
declare module "prom-client/lib/metrics/*" {
  import type { Registry } from "prom-client";

  const register: (registry: Registry, config: { prefix: string; eventLoopMonitoringPrecision: number }) => void;
  export default register;
}
