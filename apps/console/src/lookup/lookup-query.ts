import type { JoinKey, JoinKeyValue, RegistryBody } from '../api/api-types';

/** What a lookup reads: the features of an entity's (or a composite key's) views, or a feature service. */
export type LookupTarget = { readonly kind: 'entity'; readonly name: string } | { readonly kind: 'service'; readonly name: string };

/** The body of POST /v1/features. */
export type FeatureReadRequest = { readonly rows: readonly Readonly<Record<string, JoinKeyValue>>[] } & (
  | { readonly features: readonly string[] }
  | { readonly feature_service: string }
);

/** Ids as people type them: separated by commas or white space (ids hold neither). */
export function splitIds(text: string): string[] {
  return text.split(/[\s,]+/).filter((id) => id !== '');
}

/** The target a link names (`entity=` or `service=`), if any. */
export function linkTarget(params: URLSearchParams): LookupTarget | null {
  const service = params.get('service');
  if (service) return { kind: 'service', name: service };
  const entity = params.get('entity');
  return entity ? { kind: 'entity', name: entity } : null;
}

/**
 * The link's ids for each join key: a target with one join key takes `ids=a,b` (as in
 * `/ui/lookup?entity=user&ids=user00001,user00002`); one with several takes one list per join
 * key, named by it (`driver_id=1001,1002&customer_id=c1,c2`), the n-th ids forming row n.
 */
export function linkIds(params: URLSearchParams, joinKeys: readonly JoinKey[]): string[][] {
  const single = joinKeys.length === 1;
  return joinKeys.map(({ name }) => splitIds((single ? params.get('ids') : null) ?? params.get(name) ?? ''));
}

/** The query string of a lookup's link (commas kept readable). */
export function lookupSearch(target: LookupTarget, joinKeys: readonly JoinKey[], ids: readonly (readonly string[])[]): string {
  const list = (values: readonly string[]) => values.map(encodeURIComponent).join(',');
  const parts = [`${target.kind}=${encodeURIComponent(target.name)}`];
  if (joinKeys.length === 1) parts.push(`ids=${list(ids[0] ?? [])}`);
  else joinKeys.forEach(({ name }, index) => parts.push(`${encodeURIComponent(name)}=${list(ids[index] ?? [])}`));
  return parts.join('&');
}

/** The join keys a target's rows name; null for a target the registry lacks. */
export function targetJoinKeys(registry: RegistryBody, target: LookupTarget): readonly JoinKey[] | null {
  if (target.kind === 'service') return registry.feature_services.find(({ name }) => name === target.name)?.join_keys ?? null;
  return registry.key_spaces.find(({ name }) => name === target.name)?.join_keys ?? null;
}

/**
 * The entity rows of per-join-key id lists, typed as the registry declares (an int key is sent
 * as a number), or what is wrong with them, naming the join key.
 */
export function entityRows(
  joinKeys: readonly JoinKey[],
  ids: readonly (readonly string[])[],
): { readonly rows: Record<string, JoinKeyValue>[] } | { readonly problems: string[] } {
  const problems: string[] = [];
  const counts = ids.map((list) => list.length);
  joinKeys.forEach(({ name }, index) => {
    if (counts[index] === 0) problems.push(`${name}: enter at least one id`);
  });
  if (problems.length === 0 && new Set(counts).size > 1) {
    problems.push(`each join key needs as many ids (${joinKeys.map(({ name }, index) => `${name}: ${counts[index]}`).join(', ')})`);
  }
  joinKeys.forEach(({ name, type }, index) => {
    if (type !== 'int') return;
    const bad = (ids[index] ?? []).filter((id) => !/^-?\d+$/.test(id) || !Number.isSafeInteger(Number(id)));
    if (bad.length > 0) problems.push(`${name}: ${bad.map((id) => `"${id}"`).join(', ')} ${bad.length === 1 ? 'is not an integer' : 'are not integers'}`);
  });
  if (problems.length > 0) return { problems };
  const rows = (ids[0] ?? []).map((_, row) =>
    Object.fromEntries(joinKeys.map(({ name, type }, index) => [name, type === 'int' ? Number(ids[index]![row]) : ids[index]![row]!])),
  );
  return { rows };
}

/** POST /v1/features for a target: every feature of an entity's views, or a feature service. */
export function featureReadRequest(registry: RegistryBody, target: LookupTarget, rows: readonly Record<string, JoinKeyValue>[]): FeatureReadRequest {
  if (target.kind === 'service') return { rows, feature_service: target.name };
  const views = registry.views.filter((view) => view.key_space === target.name);
  return { rows, features: views.flatMap((view) => view.features.map((feature) => `${view.name}:${feature.name}`)) };
}
