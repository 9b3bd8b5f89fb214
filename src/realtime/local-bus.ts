// In-process bus: the default when REDIS_URL is unset (one instance).
import type { Bus, BusEvent } from "./bus.ts";

export function createLocalBus(): Bus {
  const handlers: ((event: BusEvent) => void)[] = [];
  return {
    state: () => "local",
    publish(event) {
      for (const handler of handlers) handler(event);
    },
    onEvent(handler) {
      handlers.push(handler);
    },
    async close() {
      handlers.length = 0;
    },
  };
}
