import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { ApiError } from '../errors/api-error';

export const CONSOLE_PATH = '/ui';
const INDEX = 'index.html';
/** Vite names every built asset under assets/ by its content: it never changes under its name. */
const HASHED = 'assets/';

/**
 * The console's files hold no data, so they are public whatever READS_REQUIRE_KEY says; the page
 * runs only its own script and talks only to this origin, so an injected script or a framing site
 * has nothing to work with. Mantine writes its theme into a style element: inline styles stay allowed.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves the built web console from `dir` at /ui on the API's port, through the API's hooks
 * (request id, metrics): each built file by its path, with its Brotli or gzip copy when the
 * client takes it (compressed once, at build time); any other path under /ui is a page of the
 * app (`/ui/lookup?...`), answered with index.html for the client-side router. Only the files
 * present at boot are served: a path never reaches the file system unchecked.
 */
export async function serveConsole(fastify: FastifyInstance, dir: string): Promise<void> {
  const root = resolve(dir);
  const files = builtFiles(root);
  await fastify.register(async (context) => {
    if (files.has(INDEX)) {
      // Cache headers are set here per file, not by @fastify/send (which would set max-age=0 on every one).
      await context.register(fastifyStatic, { root, serve: false, preCompressed: true, cacheControl: false });
    }
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!files.has(INDEX)) {
        throw new ApiError(404, 'NOT_FOUND', `The web console is not built in ${dir} (npx nx run console:build)`);
      }
      const path = (request.params as { '*'?: string })['*'] ?? '';
      void reply.headers(SECURITY_HEADERS).header('vary', 'accept-encoding');
      if (path !== INDEX && files.has(path)) {
        return reply.header('cache-control', path.startsWith(HASHED) ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(path);
      }
      // A path naming a file that is not there is no page: 404 rather than the app.
      if (/\.\w+$/.test(path)) throw new ApiError(404, 'NOT_FOUND', `Cannot GET ${request.url}`);
      return reply.header('cache-control', 'no-cache').sendFile(INDEX);
    };
    const hide = { schema: { hide: true } };
    context.get(CONSOLE_PATH, hide, handler);
    context.get(`${CONSOLE_PATH}/*`, hide, handler);
  });
}

/** The files under `root`, as '/'-separated relative paths, without the compressed copies. */
function builtFiles(root: string): Set<string> {
  if (!existsSync(root)) return new Set();
  const paths = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, resolve(entry.parentPath, entry.name)).split(sep).join('/'));
  return new Set(paths.filter((path) => !/\.(br|gz)$/.test(path)));
}
