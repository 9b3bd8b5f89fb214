// The failed-login throttle holds across instances (failures are counted in the shared
// database) and lets people in again once the 15-minute window has passed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { postJson, signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { fakeClock, startTwoInstances, type TestServer, type TwoInstances } from "../helpers/server.ts";

forEachDatabase(() => {
  const clock = fakeClock(Date.now());
  let instances: TwoInstances;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    instances = await startTwoInstances({}, { clock });
    ({ a, b } = instances);
  });
  afterAll(async () => {
    await instances?.close();
  });

  const login = (server: TestServer, username: string, password: string) =>
    postJson(`${server.url}/api/auth/login`, { username, password });

  test("ten failures spread over two instances lock the username on both, until the window passes", async () => {
    const ada = await signUp(a.url);
    for (let i = 0; i < 10; i++) {
      const response = await login(i % 2 ? b : a, ada.user.username, `guess ${i}`);
      expect(response.status).toBe(401);
    }
    for (const server of [a, b]) {
      // Even the right password, and whatever the case of the username.
      const blocked = await login(server, ada.user.username.toUpperCase(), ada.password);
      expect(blocked.status).toBe(429);
      const retryAfter = Number(blocked.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
    // Another person from the same address is not locked out by someone else's username.
    const bob = await signUp(a.url);
    expect((await login(b, bob.user.username, bob.password)).status).toBe(200);

    clock.advance(15 * 60 * 1000 + 1000);
    expect((await login(b, ada.user.username, ada.password)).status).toBe(200);
  });
});
