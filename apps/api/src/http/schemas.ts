import type { JsonSchema } from './route';

/** The one error body of every route: `{"detail", "code"}`. */
export const ERROR_BODY: JsonSchema = {
  type: 'object',
  properties: {
    detail: { type: 'string' },
    code: { type: 'string' },
    written: { type: 'integer', description: 'INVALID_STORED_DATA: rows written' },
    stale: { type: 'integer', description: 'INVALID_STORED_DATA: rows older than the stored ones' },
    rejected: {
      type: 'array',
      description: 'INVALID_STORED_DATA: each row not written, with the reason',
      items: { type: 'object', properties: { row: { type: 'integer' }, reason: { type: 'string' } }, required: ['row', 'reason'] },
    },
  },
  required: ['detail', 'code'],
};

/** Responses of a route: its success body, and the error body for every error status. */
export function responses(success: JsonSchema, status = 200): Record<string, JsonSchema> {
  return { [status]: success, '4xx': ERROR_BODY, '5xx': ERROR_BODY };
}

/** A path parameter. */
export const pathParams = (...names: readonly string[]): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
  required: names,
});
