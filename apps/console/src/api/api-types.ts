/**
 * The API's bodies as the console reads them (apps/api/src/console and features): the browser
 * test reads them from the real API, so a change there that the console does not follow fails it.
 */

export type JoinKeyType = 'string' | 'int';

export interface JoinKey {
  readonly name: string;
  readonly type: JoinKeyType;
}

export interface FeatureDefinition {
  readonly name: string;
  readonly type: string;
  readonly description: string | null;
  readonly dimension: number | null;
  readonly max_length: number | null;
  readonly examples: readonly unknown[] | null;
}

export interface ViewDefinition {
  readonly name: string;
  readonly key_space: string;
  readonly entities: readonly string[];
  readonly join_keys: readonly JoinKey[];
  readonly description: string | null;
  readonly max_age_seconds: number | null;
  readonly event_time_field: string;
  readonly features: readonly FeatureDefinition[];
}

/** GET /v1/registry */
export interface RegistryBody {
  readonly entities: readonly {
    readonly name: string;
    readonly description: string | null;
    readonly join_key: JoinKey;
    readonly id_pattern: string | null;
    readonly id_max_length: number | null;
    readonly ttl_seconds: number | null;
  }[];
  readonly key_spaces: readonly {
    readonly name: string;
    readonly entities: readonly string[];
    readonly join_keys: readonly JoinKey[];
    readonly views: readonly string[];
  }[];
  readonly views: readonly ViewDefinition[];
  readonly feature_services: readonly {
    readonly name: string;
    readonly version: number;
    readonly description: string | null;
    readonly features: readonly string[];
    readonly join_keys: readonly JoinKey[];
  }[];
  readonly push_sources: readonly { readonly name: string; readonly view: string; readonly description: string | null }[];
}

export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE' | 'INVALID';
export type JoinKeyValue = string | number;

/** POST /v1/features */
export interface FeatureReadBody {
  readonly features: readonly string[];
  readonly feature_service?: { readonly name: string; readonly version: number };
  readonly results: readonly {
    readonly key: Readonly<Record<string, JoinKeyValue>>;
    readonly values: readonly unknown[];
    readonly statuses: readonly FeatureStatus[];
    readonly event_times: readonly (string | null)[];
  }[];
}

export type Series = readonly (number | null)[];

export const ROW_SOURCES = ['push', 'stream', 'load', 'simulator'] as const;
export type RowSource = (typeof ROW_SOURCES)[number];

export interface ScrapeStatus {
  readonly status: 'up' | 'down' | 'off';
  readonly detail?: string;
}

export interface ViewSummary {
  readonly view: string;
  readonly max_age_seconds: number | null;
  readonly served_age_p50_seconds: Series;
  readonly served_age_p99_seconds: Series;
  readonly rows_per_second: Readonly<Record<RowSource, Series>>;
}

export interface RouteSummary {
  readonly method: string;
  readonly route: string;
  readonly requests_per_second: Series;
  readonly server_errors_per_second: Series;
  readonly p99_seconds: Series;
}

/** GET /v1/metrics/summary */
export interface SummaryBody {
  readonly sampled_every_seconds: number;
  readonly window_seconds: number;
  readonly times: readonly string[];
  readonly scrapes: { readonly api: ScrapeStatus; readonly ingestor: ScrapeStatus };
  readonly views: readonly ViewSummary[];
  readonly routes: readonly RouteSummary[];
  readonly redis_errors_per_second: Series;
}

/** Every error of the API: `{"detail", "code"}`. */
export interface ErrorBody {
  readonly detail: string;
  readonly code: string;
}
