import type { RegistryBody, ViewDefinition } from '../api/api-types';

/** What a search keeps of the registry: each section filtered; a view keeps the features that match. */
export interface RegistryMatches {
  readonly entities: RegistryBody['entities'];
  readonly views: readonly ViewDefinition[];
  readonly featureServices: RegistryBody['feature_services'];
  readonly pushSources: RegistryBody['push_sources'];
}

const matcher = (query: string) => {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  return (...texts: readonly (string | null | undefined)[]) => {
    const haystack = texts.filter((text) => text !== null && text !== undefined).join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  };
};

/**
 * The items whose name, description, types or keys contain every word of `query` (any case).
 * A view whose own name or description matches keeps all its features; one that matches only
 * through some features keeps those.
 */
export function searchRegistry(registry: RegistryBody, query: string): RegistryMatches {
  const matches = matcher(query);
  const views = registry.views.flatMap((view): ViewDefinition[] => {
    const own = [view.name, view.description, view.key_space, ...view.join_keys.map(({ name }) => name)];
    if (matches(...own)) return [view];
    const features = view.features.filter((feature) => matches(...own, feature.name, feature.type, feature.description));
    return features.length > 0 ? [{ ...view, features }] : [];
  });
  return {
    entities: registry.entities.filter((entity) => matches(entity.name, entity.description, entity.join_key.name, entity.join_key.type)),
    views,
    featureServices: registry.feature_services.filter((service) => matches(service.name, service.description, ...service.features)),
    pushSources: registry.push_sources.filter((source) => matches(source.name, source.view, source.description)),
  };
}
