import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';

/** Deeper bodies are refused before parsing: validation walks bodies recursively. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply arrays and objects nest in a JSON text, scanning it once (strings skipped), stopping
 * as soon as `limit` is passed.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

/**
 * `{"<key>":["<id>",...]}` exactly, every string of letters, digits and `_ . : -` only: the batch
 * bodies. Such strings hold no escape, so each is the text between its quotes.
 */
const ID_LIST_BODY = /^\{"([A-Za-z_]\w*)":\["([\w.:-]+(?:","[\w.:-]+)*)"\]\}$/;

/**
 * Reads a batch body without JSON.parse, which internalizes every string of up to 10 characters:
 * that made parsing 100 ids like "user01234" about 4 times slower. Any other text, or a key that
 * Fastify's parser would refuse, returns undefined; what it returns equals JSON.parse's result.
 */
export function parseIdListBody(text: string): Record<string, string[]> | undefined {
  const match = ID_LIST_BODY.exec(text);
  if (!match || match[1] === '__proto__' || match[1] === 'constructor') return undefined;
  return { [match[1]!]: match[2]!.split('","') };
}

/** A Fastify body parser of JSON text (see `acceptJsonOnly`). */
type JsonParser = (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * Makes JSON the only body type: Fastify's own parser (which refuses `__proto__` and
 * `constructor.prototype` keys), behind a nesting-depth check, with batch bodies read by
 * `parseIdListBody` first; any other content type is 415. Returns the parser, for routes that
 * take JSON whatever content type the client names (`acceptAnyContentTypeAsJson`).
 */
export function acceptJsonOnly(fastify: FastifyInstance): JsonParser {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  const parser: JsonParser = (request, body, done) => {
    const text = body as string;
    const ids = parseIdListBody(text);
    if (ids) {
      done(null, ids);
      return;
    }
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new ApiError(400, 'BODY_TOO_DEEP', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parse(request, text, done);
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
  return parser;
}

/**
 * In one encapsulated Fastify context: bodies of any content type, or none, are read as JSON
 * (Feast's documented clients send JSON as `curl -d` form data, or with no content type).
 */
export function acceptAnyContentTypeAsJson(context: FastifyInstance, parser: JsonParser): void {
  context.addContentTypeParser('*', { parseAs: 'string' }, parser);
}
