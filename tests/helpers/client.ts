// A small HTTP client for tests: signs people up and calls tRPC procedures over real HTTP.
import { createTRPCClient, httpLink } from "@trpc/client";
import { authResultSchema, type User } from "../../src/shared/api.ts";
import type { AppRouter } from "../../src/trpc/router.ts";

export type TestUser = { user: User; token: string; trpc: ReturnType<typeof trpcClient>; password: string };

export function trpcClient(baseUrl: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

let counter = 0;

export async function signUp(
  baseUrl: string,
  fields: Partial<{ username: string; email: string; firstName: string; lastName: string; password: string }> = {},
): Promise<TestUser> {
  counter += 1;
  const username = fields.username ?? `user${counter}_${Math.random().toString(36).slice(2, 7)}`;
  const password = fields.password ?? "correct horse battery";
  const response = await fetch(`${baseUrl}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      username,
      email: fields.email ?? `${username}@example.com`,
      firstName: fields.firstName ?? "Test",
      lastName: fields.lastName ?? username,
      password,
    }),
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  const { user, token } = authResultSchema.parse(await response.json());
  return { user, token, trpc: trpcClient(baseUrl, token), password };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
