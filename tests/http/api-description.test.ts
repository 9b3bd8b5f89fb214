// /api/docs describes what the server does: response bodies, the two ways to authenticate,
// and the WebSocket frames, all generated from the zod schemas. A frame added or changed in
// the schemas shows up in both documents without anyone editing them.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { z } from "zod";
import { asyncApiDocument, openApiDescription } from "../../src/http/api-description.ts";
import { clientFrame, serverFrame } from "../../src/shared/events.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { upgradeStatus } from "../helpers/ws.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

type Operation = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type OpenApi = {
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown> }>;
    securitySchemes: Record<string, unknown>;
  };
};

let server: TestServer;
let openApi: OpenApi;

beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: "development" });
  openApi = (await (await fetch(`${server.url}/api/docs/json`)).json()) as OpenApi;
});
afterAll(() => server?.close());

const frameTypes = (union: { options: readonly { shape: { type: { value: string } } }[] }) =>
  union.options.map((frame) => frame.shape.type.value);

describe("the OpenAPI document", () => {
  test("has a cookie and a bearer scheme; signup, login and health need neither", () => {
    expect(openApi.components.securitySchemes).toEqual({
      session: expect.objectContaining({ type: "apiKey", in: "cookie", name: "session" }),
      bearer: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
    expect(openApi.security).toEqual([{ session: [] }, { bearer: [] }]);
    for (const path of ["/api/auth/signup", "/api/auth/login"]) expect(openApi.paths[path]?.post?.security).toEqual([]);
    expect(openApi.paths["/api/health"]?.get?.security).toEqual([]);
    expect(openApi.paths["/api/auth/logout"]?.post?.security).toBeUndefined();
  });

  test("documents the answers the server really gives, with their bodies", async () => {
    const documented = (path: string, method: string, status: number) =>
      openApi.paths[path]?.[method]?.responses[String(status)];
    const alice = await signUp(server.url);
    const login = await postJson(`${server.url}/api/auth/login`, {
      username: alice.user.username,
      password: alice.password,
    });
    const wrong = await postJson(`${server.url}/api/auth/login`, { username: alice.user.username, password: "nope" });
    const health = await fetch(`${server.url}/api/health`);
    const anonymousSocket = await upgradeStatus(server.url);
    const logout = await fetch(`${server.url}/api/auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
    });
    const answers: [string, string, number][] = [
      ["/api/auth/signup", "post", 201],
      ["/api/auth/login", "post", login.status],
      ["/api/auth/login", "post", wrong.status],
      ["/api/health", "get", health.status],
      ["/ws", "get", anonymousSocket.status],
      ["/api/auth/logout", "post", logout.status],
    ];
    expect(answers.map(([, , status]) => status)).toEqual([201, 200, 401, 200, 401, 204]);
    for (const [path, method, status] of answers) expect(documented(path, method, status)).toBeDefined();
    expect(documented("/api/auth/login", "post", 200)?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/AuthResult",
    });
    expect(documented("/api/auth/login", "post", 401)?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/ErrorBody",
    });
    expect(Object.keys(openApi.components.schemas.AuthResult?.properties ?? {})).toEqual(["user", "token"]);
    expect(Object.keys(openApi.paths)).not.toContain("/*");
  });

  test("has a schema for every frame of the protocol, both directions", () => {
    for (const type of frameTypes(serverFrame)) expect(openApi.components.schemas[`ServerFrame.${type}`]).toBeDefined();
    for (const type of frameTypes(clientFrame)) expect(openApi.components.schemas[`ClientFrame.${type}`]).toBeDefined();
    expect(openApi.components.schemas["ServerFrame.read"]?.properties).toHaveProperty("seq");
  });
});

describe("the AsyncAPI document", () => {
  test("is served, and lists what the server sends and what it receives", async () => {
    const response = await fetch(`${server.url}/api/docs/asyncapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as ReturnType<typeof asyncApiDocument>;
    expect(document.asyncapi).toBe("3.0.0");
    const refs = (name: "sendServerFrames" | "receiveClientFrames") =>
      document.operations[name].messages.map((m) => m.$ref.split("/").pop());
    expect(refs("sendServerFrames")).toEqual(frameTypes(serverFrame).map((t) => `ServerFrame.${t}`));
    expect(refs("receiveClientFrames")).toEqual(frameTypes(clientFrame).map((t) => `ClientFrame.${t}`));
  });

  test("a frame added to the schemas, or a field changed, shows up in both documents", () => {
    const typing = z.object({
      type: z.literal("typing"),
      conversationId: z.number(),
      userId: z.number(),
      until: z.string(),
    });
    const changed = z.discriminatedUnion("type", [
      typing,
      z.object({ type: z.literal("wave"), userId: z.number().int().positive() }),
      ...serverFrame.options.filter((frame) => frame.shape.type.value !== "typing"),
    ]);
    const frames = { server: changed, client: clientFrame };

    const asyncApi = asyncApiDocument(frames);
    const wave = asyncApi.channels.socket.messages["ServerFrame.wave"];
    expect(wave?.payload).toMatchObject({ properties: { type: { const: "wave" }, userId: { type: "integer" } } });
    expect(asyncApi.channels.socket.messages["ServerFrame.typing"]?.payload).toMatchObject({
      properties: { until: { type: "string" } },
    });

    const described = openApiDescription(frames);
    expect(Object.keys(described.components.schemas)).toContain("ServerFrame.wave");
    expect(described.paths["/ws"].get.description).toContain("wave");
    // The real protocol has neither.
    expect(Object.keys(openApi.components.schemas)).not.toContain("ServerFrame.wave");
    expect(openApi.components.schemas["ServerFrame.typing"]?.properties).not.toHaveProperty("until");
  });
});
