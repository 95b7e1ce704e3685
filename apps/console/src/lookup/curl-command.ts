import { API_KEY_HEADER } from '../api/api-client';

/** The variable the command reads the key from: the page never writes a key into it. */
export const KEY_VARIABLE = 'FEATURE_STORE_API_KEY';

/** `text` as one word of a POSIX shell, single-quoted. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The curl command that sends the same request: a key, when the page uses one, is read from
 * $FEATURE_STORE_API_KEY, so that copying the command copies no secret.
 */
export function curlCommand(origin: string, path: string, body: unknown, withKey: boolean): string {
  return [
    `curl -X POST ${shellQuote(`${origin}${path}`)}`,
    `-H 'Content-Type: application/json'`,
    ...(withKey ? [`-H "${API_KEY_HEADER}: $${KEY_VARIABLE}"`] : []),
    `-d ${shellQuote(JSON.stringify(body))}`,
  ].join(' \\\n  ');
}
