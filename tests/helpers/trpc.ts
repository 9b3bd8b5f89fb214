// Small helpers for the tRPC tests: catching a procedure's error, and recording what the
// chat domain tells the realtime layer.
import { TRPCClientError } from "@trpc/client";
import type { Deps } from "../../src/deps.ts";
import type { AppRouter } from "../../src/trpc/router.ts";

export type ProcedureError = TRPCClientError<AppRouter>;

/** The error a call fails with (and a failure of the test if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<ProcedureError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as ProcedureError;
    throw error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** The contract code of a failed call, e.g. "NOT_FOUND". */
export async function failureCode(call: Promise<unknown>): Promise<string | undefined> {
  return (await failure(call)).data?.code;
}

export type Notification = { kind: string; args: unknown[] };

/**
 * Records every notifier call (and still makes it). `atCall` runs at the moment of each
 * call, e.g. to check that a message is already committed when it is announced.
 */
export function recordNotifications(deps: Deps, atCall?: (n: Notification) => void) {
  const notifier = deps.notifier as unknown as Record<string, unknown>;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  const calls: Notification[] = [];
  for (const [kind, value] of Object.entries(notifier)) {
    if (typeof value !== "function") continue;
    const original = value as (...args: unknown[]) => unknown;
    originals.set(kind, original);
    notifier[kind] = (...args: unknown[]) => {
      const n = { kind, args };
      calls.push(n);
      atCall?.(n);
      return original.apply(deps.notifier, args);
    };
  }
  return {
    calls,
    of: (kind: string) => calls.filter((c) => c.kind === kind).map((c) => c.args),
    clear: () => {
      calls.length = 0;
    },
    restore: () => {
      for (const [kind, original] of originals) notifier[kind] = original;
    },
  };
}
