import type { FastifyContextConfig, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Scope } from '../auth/api-keys';

/** JSON Schema, as routes declare their bodies and OpenAPI shows them. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Writes a response body as JSON text. */
export type BodyWriter<T> = (payload: T) => string;

const WRITER = Symbol('body writer');

/**
 * A response body's schema whose JSON is written by `writer` (from the payload the handler
 * returns) instead of fast-json-stringify: for bodies of stored feature values, written from the
 * stored text. The schema still documents the body (OpenAPI), and `bodyWriter` finds the writer.
 */
export function writtenBody<T>(schema: JsonSchema, writer: BodyWriter<T>): JsonSchema {
  return Object.defineProperty({ ...schema }, WRITER, { value: writer, enumerable: false });
}

/** The writer `writtenBody` attached to a schema, if any. */
export function bodyWriter(schema: unknown): BodyWriter<unknown> | undefined {
  return typeof schema === 'object' && schema !== null ? (schema as { [WRITER]?: BodyWriter<unknown> })[WRITER] : undefined;
}

/** How a route's errors are answered: this API's statuses, or those Feast's server uses. */
export type ErrorDialect = 'api' | 'feast';

declare module 'fastify' {
  /** Per-route settings the shared hooks read (Fastify's typed route `config`). */
  interface FastifyContextConfig {
    /** The key scope the route needs; open when absent (reads are open unless READS_REQUIRE_KEY). */
    readonly scope?: Scope;
    readonly errors?: ErrorDialect;
    /** Read the body as JSON whatever content type the client names (Feast's clients name none, or a form). */
    readonly anyContentType?: boolean;
  }
}

export type RouteConfig = Pick<FastifyContextConfig, 'scope' | 'errors' | 'anyContentType'>;

/**
 * One HTTP route, declared once: its path, the scope it needs, the schemas that document its
 * request and write its responses, and its handler. Every route runs through the same hooks
 * (request id, auth, metrics) and error handling; see `registerRoutes`.
 */
export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly config?: RouteConfig;
  /**
   * OpenAPI of the route (summary, tags, params, querystring, body, response by status). Request
   * schemas document; handlers read requests with readers that a spec holds against them.
   * Response schemas select the serializer: fast-json-stringify, or the writer of `writtenBody`.
   */
  readonly schema: FastifySchema & { readonly summary: string; readonly tags: readonly string[] };
  readonly handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** A Nest provider that declares routes; the app registers the routes of every such provider. */
export interface RouteSource {
  routes(): readonly ApiRoute[];
}
