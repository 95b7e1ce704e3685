import { FeatureStoreApiError } from './errors';
import { type CallOptions, type Transport, httpTransport } from './http-transport';
import type {
  AnyRegistry,
  EntityFeatureName,
  EntityFeatures,
  EntityId,
  EntityName,
  EntityRow,
  FeatureRef,
  FeatureServiceName,
  FeatureServiceRefs,
  FeatureStatus,
  OnlineFeatures,
  PushRow,
  RefValues,
  RegistrySchema,
  ViewName,
} from './schema';

export interface FeatureStoreClientOptions {
  /** The API, e.g. `http://feature-store:8000` (a path prefix is kept). */
  readonly baseUrl: string | URL;
  /** Sent as `x-api-key`: pushes need a key with the write scope, reads one with the read scope when the API has READS_REQUIRE_KEY=true. */
  readonly apiKey?: string;
  /** Each call's deadline in milliseconds, retries included (default 2000); a call may set its own. */
  readonly timeoutMs?: number;
  /** Retries of a read after a connection error, a 503 or a 429 (default 2); writes are never retried. */
  readonly retries?: number;
  /** First retry's backoff bound in milliseconds (default 25), doubling per retry up to 1000; jittered. */
  readonly retryDelayMs?: number;
}

export interface ReadOptions<F extends string> extends CallOptions {
  /** Only these features are fetched and returned (each once); all of the entity's by default. */
  readonly features?: readonly F[];
}

/** What a push resolves with: rows written, and rows skipped because a newer row of the view was stored. */
export interface PushResult {
  readonly written: number;
  readonly stale: number;
}

interface EntityResult {
  readonly features: Record<string, unknown>;
}

interface OnlineFeaturesBody {
  readonly features: string[];
  readonly feature_service?: { readonly name: string; readonly version: number };
  readonly results: { key: Record<string, string | number>; values: unknown[]; statuses: FeatureStatus[]; event_times: (string | null)[] }[];
}

const DEFAULT_TIMEOUT_MS = 2_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 25;
const MAX_RETRY_DELAY_MS = 1_000;

/**
 * The feature store's HTTP API, typed by a registry schema that `feature-store-codegen` writes
 * (`new FeatureStoreClient<FeatureRegistry>(...)`): entity, view, feature and feature service
 * names are checked when compiling, and values come typed. Reads are retried on connection
 * errors, 503 and 429 (after `Retry-After`), within the call's deadline; every failure is a
 * `FeatureStoreApiError`.
 */
export class FeatureStoreClient<S extends RegistrySchema = AnyRegistry> {
  private readonly send: Transport;

  constructor(options: FeatureStoreClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl: expected an http(s) URL, got ${url.href}`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const retries = options.retries ?? DEFAULT_RETRIES;
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs: expected a positive number, got ${timeoutMs}`);
    if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries: expected a whole number, got ${retries}`);
    url.search = '';
    url.hash = '';
    this.send = httpTransport({
      baseUrl: url.href.endsWith('/') ? url.href : `${url.href}/`,
      apiKey: options.apiKey,
      timeoutMs,
      retry: { retries, baseDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, maxDelayMs: MAX_RETRY_DELAY_MS },
    });
  }

  /**
   * An entity's features (`GET /v1/features/{entity}/{id}`), or null for an id never written.
   * @throws FeatureStoreApiError e.g. 404 `UNKNOWN_ENTITY`, 400 `UNKNOWN_FEATURE`, `TIMEOUT`
   */
  async get<E extends EntityName<S>, F extends EntityFeatureName<S, E> = EntityFeatureName<S, E>>(
    entity: E,
    id: EntityId<S, E>,
    options: ReadOptions<F> = {},
  ): Promise<EntityFeatures<S, E, F> | null> {
    const query = options.features === undefined ? '' : `?features=${options.features.map(encodeURIComponent).join(',')}`;
    try {
      const body = (await this.send({ method: 'GET', path: `v1/features/${encodeURIComponent(entity)}/${encodeURIComponent(id)}${query}`, retried: true }, options)) as EntityResult;
      return body.features as EntityFeatures<S, E, F>;
    } catch (error) {
      if (error instanceof FeatureStoreApiError && error.code === 'ENTITY_NOT_FOUND') return null;
      throw error;
    }
  }

  /**
   * Features of many ids of an entity in one request (`POST /v1/features/{entity}/batch`), in
   * request order, null for ids never written. An id given twice is asked for once.
   * @throws FeatureStoreApiError as `get`; 400 `INVALID_BATCH_SIZE` beyond the API's BATCH_MAX_IDS
   */
  async getMany<E extends EntityName<S>, F extends EntityFeatureName<S, E> = EntityFeatureName<S, E>>(
    entity: E,
    ids: readonly EntityId<S, E>[],
    options: ReadOptions<F> = {},
  ): Promise<(EntityFeatures<S, E, F> | null)[]> {
    if (ids.length === 0) return [];
    const texts = ids.map(String);
    const unique = [...new Set(texts)];
    const body = { ids: unique, ...(options.features === undefined ? {} : { features: options.features }) };
    const answer = (await this.send({ method: 'POST', path: `v1/features/${encodeURIComponent(entity)}/batch`, body, retried: true }, options)) as {
      results: (EntityResult | null)[];
    };
    const features = answer.results.map((result) => (result === null ? null : (result.features as EntityFeatures<S, E, F>)));
    if (unique.length === texts.length) return features;
    const position = new Map(unique.map((id, index) => [id, index]));
    return texts.map((id) => features[position.get(id)!]!);
  }

  /**
   * Writes rows of a view (`POST /v1/push/{view}`; needs an `apiKey` with the write scope): the
   * API validates every row before writing any, and skips a row older than the stored one of the
   * view (`stale`). Never retried: after a failure midway some rows may be written, and pushing
   * them again is harmless (same event times), so a caller may.
   * @throws FeatureStoreApiError e.g. 400 `INVALID_ROW` naming the row and field, 401, 403, 404 `UNKNOWN_VIEW`
   */
  async push<V extends ViewName<S>>(view: V, rows: readonly PushRow<S, V>[], options: CallOptions = {}): Promise<PushResult> {
    const body = {
      rows: rows.map(({ id, eventTime, features }) => ({
        id,
        ...(eventTime === undefined ? {} : { event_ts: eventTime instanceof Date ? eventTime.toISOString() : eventTime }),
        features,
      })),
    };
    const { written, stale } = (await this.send({ method: 'POST', path: `v1/push/${encodeURIComponent(view)}`, body, retried: false }, options)) as PushResult;
    return { written, stale };
  }

  /**
   * Features of any views, or a feature service's, for entity rows (`POST /v1/features`): per row,
   * aligned with the columns, the values (typed by the columns), their statuses and event times.
   * @throws FeatureStoreApiError e.g. 404 `UNKNOWN_FEATURE_SERVICE`, 400 `INVALID_ID` for a row missing a join key
   */
  getOnlineFeatures<const R extends readonly FeatureRef<S>[]>(
    request: { readonly rows: readonly EntityRow<S, R>[]; readonly features: R },
    options?: CallOptions,
  ): Promise<OnlineFeatures<R, RefValues<S, R>, EntityRow<S, R>>>;
  getOnlineFeatures<N extends FeatureServiceName<S>>(
    request: { readonly rows: readonly EntityRow<S, FeatureServiceRefs<S, N>>[]; readonly featureService: N },
    options?: CallOptions,
  ): Promise<OnlineFeatures<FeatureServiceRefs<S, N>, RefValues<S, FeatureServiceRefs<S, N>>, EntityRow<S, FeatureServiceRefs<S, N>>>>;
  async getOnlineFeatures(
    request: { readonly rows: readonly object[]; readonly features?: readonly string[]; readonly featureService?: string },
    options: CallOptions = {},
  ): Promise<OnlineFeatures<readonly string[], unknown[], unknown>> {
    const body = request.featureService === undefined ? { rows: request.rows, features: request.features } : { rows: request.rows, feature_service: request.featureService };
    const answer = (await this.send({ method: 'POST', path: 'v1/features', body, retried: true }, options)) as OnlineFeaturesBody;
    return {
      features: answer.features,
      featureService: answer.feature_service ?? null,
      results: answer.results.map(({ key, values, statuses, event_times: eventTimes }) => ({ key, values, statuses, eventTimes })),
    };
  }
}
