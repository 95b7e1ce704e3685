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

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Reads JSON text without JSON.parse (see `parseIdListBody` for why: the Feast-style bodies hold
 * hundreds of short ids in columns; 100 + 100 new ids took JSON.parse 73-92 µs, this 16-29 µs)
 * when every string in it is plain: no backslash, no control character. Returns undefined for any
 * other text, for a key `__proto__` or `constructor` (Fastify's parser decides those), past
 * `maxDepth` levels of nesting, and for an object inside an array (rows of objects, which
 * JSON.parse builds about 3 times faster); what it returns equals JSON.parse's result.
 */
export function parsePlainJson(text: string, maxDepth: number): unknown {
  let at = 0;
  const GIVE_UP = Symbol('give up');
  const space = () => {
    for (let char = text.charCodeAt(at); char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09; char = text.charCodeAt(++at));
  };
  const string = (): string | typeof GIVE_UP => {
    const start = ++at;
    for (; at < text.length; at++) {
      const char = text.charCodeAt(at);
      if (char === 0x22) return text.slice(start, at++);
      if (char === 0x5c || char < 0x20) return GIVE_UP;
    }
    return GIVE_UP;
  };
  const value = (depth: number, inArray: boolean): unknown => {
    space();
    const char = text.charCodeAt(at);
    if (char === 0x22) return string();
    if (char === 0x5b || char === 0x7b) {
      // Objects in arrays (rows of a push): JSON.parse builds those about 3 times faster.
      if (depth >= maxDepth || (inArray && char === 0x7b)) return GIVE_UP;
      return char === 0x5b ? array(depth + 1) : object(depth + 1);
    }
    if (char === 0x74 && text.startsWith('true', at)) return (at += 4), true;
    if (char === 0x66 && text.startsWith('false', at)) return (at += 5), false;
    if (char === 0x6e && text.startsWith('null', at)) return (at += 4), null;
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (!number) return GIVE_UP;
    at = NUMBER.lastIndex;
    return Number(number[0]);
  };
  const array = (depth: number): unknown[] | typeof GIVE_UP => {
    const items: unknown[] = [];
    at++;
    space();
    if (text.charCodeAt(at) === 0x5d) {
      at++;
      return items;
    }
    for (;;) {
      const item = value(depth, true);
      if (item === GIVE_UP) return GIVE_UP;
      items.push(item);
      space();
      const char = text.charCodeAt(at++);
      if (char === 0x5d) return items;
      if (char !== 0x2c) return GIVE_UP;
    }
  };
  const object = (depth: number): Record<string, unknown> | typeof GIVE_UP => {
    const result: Record<string, unknown> = {};
    at++;
    space();
    if (text.charCodeAt(at) === 0x7d) {
      at++;
      return result;
    }
    for (;;) {
      space();
      if (text.charCodeAt(at) !== 0x22) return GIVE_UP;
      const key = string();
      if (key === GIVE_UP || key === '__proto__' || key === 'constructor') return GIVE_UP;
      space();
      if (text.charCodeAt(at++) !== 0x3a) return GIVE_UP;
      const item = value(depth, false);
      if (item === GIVE_UP) return GIVE_UP;
      result[key] = item;
      space();
      const char = text.charCodeAt(at++);
      if (char === 0x7d) return result;
      if (char !== 0x2c) return GIVE_UP;
    }
  };
  const result = value(0, false);
  space();
  return result === GIVE_UP || at !== text.length ? undefined : result;
}

/** A Fastify body parser of JSON text (see `acceptJsonOnly`). */
type JsonParser = (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * Makes JSON the only body type: Fastify's own parser (which refuses `__proto__` and
 * `constructor.prototype` keys), behind a nesting-depth check, with batch bodies read by
 * `parseIdListBody` first and other bodies of plain strings by `parsePlainJson`; any other
 * content type is 415. Returns the parser, for routes that take JSON whatever content type the
 * client names (`acceptAnyContentTypeAsJson`).
 */
export function acceptJsonOnly(fastify: FastifyInstance): JsonParser {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  const parser: JsonParser = (request, body, done) => {
    const text = body as string;
    const read = parseIdListBody(text) ?? parsePlainJson(text, MAX_JSON_DEPTH);
    if (read !== undefined) {
      done(null, read);
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
