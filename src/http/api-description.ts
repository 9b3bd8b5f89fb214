// What /api/docs describes, generated from the zod schemas the server validates and answers
// with (src/shared), so that the description cannot drift from the code: the HTTP routes
// with their request and response bodies and the two ways to authenticate (OpenAPI 3.1),
// and the WebSocket's frames in both directions (AsyncAPI 3.0, and as schemas in the
// OpenAPI document). Pure functions of the schemas, so a test can feed them changed ones.
import { z } from "zod";
import { signupRequest } from "../auth/password-policy.ts";
import { authResultSchema, healthSchema, loginInput } from "../shared/api.ts";
import { errorBodySchema } from "../shared/errors.ts";
import { clientFrame, serverFrame } from "../shared/events.ts";

export const ASYNCAPI_PATH = "/api/docs/asyncapi.json";

type JsonSchema = Record<string, unknown>;
type FrameUnion = { options: readonly z.ZodType[] };
export type FrameSchemas = { server: FrameUnion; client: FrameUnion };

const PROTOCOL: FrameSchemas = { server: serverFrame, client: clientFrame };

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line. */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** Each frame of one direction by its `type` (the constant its schema pins), as JSON Schema. */
function framesByType(union: FrameUnion): Record<string, JsonSchema> {
  return Object.fromEntries(
    union.options.map((frame) => {
      const schema = jsonSchema(frame);
      const type = (schema.properties as { type?: { const?: unknown } } | undefined)?.type?.const;
      if (typeof type !== "string") throw new Error("every frame schema pins its type");
      return [type, schema];
    }),
  );
}

const json = (schema: JsonSchema, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** The paths and components /api/docs adds to what Elysia generates. */
export function openApiDescription(frames: FrameSchemas = PROTOCOL) {
  const error = { $ref: "#/components/schemas/ErrorBody" };
  const authResult = { $ref: "#/components/schemas/AuthResult" };
  const health = { $ref: "#/components/schemas/Health" };
  const refusal = (description: string) => json(error, description);
  const serverFrames = framesByType(frames.server);
  const clientFrames = framesByType(frames.client);
  return {
    /** Either one: the cookie (browsers) or the bearer token (other clients). */
    security: [{ session: [] }, { bearer: [] }] as Record<string, string[]>[],
    components: {
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "session",
          description: "The HttpOnly cookie set by signup and login (browsers).",
        },
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The `token` of the signup or login answer, as `Authorization: Bearer <token>` (other clients).",
        },
      },
      schemas: {
        ErrorBody: jsonSchema(errorBodySchema),
        AuthResult: jsonSchema(authResultSchema),
        Health: jsonSchema(healthSchema),
        ...Object.fromEntries(Object.entries(serverFrames).map(([type, schema]) => [`ServerFrame.${type}`, schema])),
        ...Object.fromEntries(Object.entries(clientFrames).map(([type, schema]) => [`ClientFrame.${type}`, schema])),
      },
    },
    paths: {
      "/api/auth/signup": {
        post: {
          summary: "Create an account and start a session",
          operationId: "signup",
          security: [] as Record<string, string[]>[],
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(signupRequest, "input") } },
          },
          responses: {
            201: json(authResult, "The account, and the session's token (also set as the `session` cookie)"),
            400: refusal("Invalid input; `fields` names each bad field"),
            409: refusal("The username or email is taken"),
            413: refusal("The body is over 4 KiB"),
            415: refusal("The body is not application/json"),
            429: refusal("Too many signups from this address; see Retry-After"),
          },
        },
      },
      "/api/auth/login": {
        post: {
          summary: "Log in with username and password",
          operationId: "login",
          security: [] as Record<string, string[]>[],
          requestBody: { required: true, content: { "application/json": { schema: jsonSchema(loginInput, "input") } } },
          responses: {
            200: json(authResult, "The account, and the session's token (also set as the `session` cookie)"),
            400: refusal("Invalid input"),
            401: refusal("Wrong username or password (one answer for both)"),
            403: refusal("The account is deactivated"),
            429: refusal("Too many failed logins; see Retry-After"),
          },
        },
      },
      "/api/auth/logout": {
        post: {
          summary: "End the current session",
          operationId: "logout",
          responses: {
            204: { description: "The session is over; the cookie is cleared and the token no longer works" },
            401: refusal("Not signed in"),
          },
        },
      },
      "/api/health": {
        get: {
          summary: "Liveness and dependency state",
          operationId: "health",
          security: [] as Record<string, string[]>[],
          responses: {
            200: json(health, "The database answers (`bus: degraded`: Redis is away, sends still work)"),
            503: json(health, "The database is down"),
          },
        },
      },
      "/ws": {
        get: {
          summary: "The WebSocket: live frames, JSON text in both directions",
          operationId: "socket",
          description:
            `Upgrade to a WebSocket (cookie or bearer). The server's frames are the schemas ` +
            `\`ServerFrame.*\` (${Object.keys(serverFrames).join(", ")}); the client's are ` +
            `\`ClientFrame.*\` (${Object.keys(clientFrames).join(", ")}). The same as an ` +
            `AsyncAPI 3.0 document: ${ASYNCAPI_PATH}.`,
          responses: {
            101: { description: "Switching protocols; the server then sends `ready`" },
            401: refusal("No session, or an ended one"),
            403: refusal("An Origin that is neither this site nor in ALLOWED_ORIGINS"),
          },
        },
      },
    },
  };
}

/** The WebSocket protocol as an AsyncAPI 3.0 document. */
export function asyncApiDocument(frames: FrameSchemas = PROTOCOL) {
  const messages = (direction: "ServerFrame" | "ClientFrame", union: FrameUnion) =>
    Object.fromEntries(
      Object.entries(framesByType(union)).map(([type, payload]) => [
        `${direction}.${type}`,
        { name: type, contentType: "application/json", payload },
      ]),
    );
  const serverMessages = messages("ServerFrame", frames.server);
  const clientMessages = messages("ClientFrame", frames.client);
  const refs = (names: string[]) => names.map((name) => ({ $ref: `#/channels/socket/messages/${name}` }));
  return {
    asyncapi: "3.0.0",
    info: {
      title: "Parley WebSocket protocol",
      version: "1",
      description:
        "Frames on /ws, JSON text. Authenticated at the upgrade with the session cookie or a bearer token. " +
        "Generated from the server's zod schemas (src/shared/events.ts).",
    },
    channels: {
      socket: { address: "/ws", messages: { ...serverMessages, ...clientMessages } },
    },
    operations: {
      // From the server's side: it sends its frames and receives the client's.
      sendServerFrames: {
        action: "send",
        summary: "What the server sends",
        channel: { $ref: "#/channels/socket" },
        messages: refs(Object.keys(serverMessages)),
      },
      receiveClientFrames: {
        action: "receive",
        summary: "What a client sends",
        channel: { $ref: "#/channels/socket" },
        messages: refs(Object.keys(clientMessages)),
      },
    },
  };
}
