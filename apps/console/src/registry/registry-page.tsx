import {Anchor, Badge, Card, Code, Group, Loader, SimpleGrid, Stack, Text, TextInput, Title} from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'wouter';
import type { FeatureDefinition, JoinKey, RegistryBody, ViewDefinition } from '../api/api-types';
import { formatDuration } from '../format/format';
import { lookupSearch } from '../lookup/lookup-query';
import { Problem } from '../shell/problem';
import { ScrollX } from '../shell/scroll-x';
import { useRegistry } from './registry-context';
import { searchRegistry } from './registry-search';

const joinKeyText = (keys: readonly JoinKey[]) => keys.map(({ name, type }) => `${name} (${type})`).join(', ');
const lookupHref = (kind: 'entity' | 'service', name: string) => `/lookup?${lookupSearch({ kind, name }, [], [])}`;

/** Registry: entities, views, feature services and push sources, searchable (`?q=`). */
export function RegistryPage() {
  const { answer, error, loading } = useRegistry();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  return (
    <Stack gap="lg">
      <Title order={2} mt="md">
        Registry
      </Title>
      <TextInput
        type="search"
        label="Search the registry"
        description="Names, descriptions, types and join keys; every word must match"
        value={query}
        onChange={(event) => {
          const next = event.currentTarget.value;
          setParams(next === '' ? {} : { q: next }, { replace: true });
        }}
        maw={480}
      />
      {loading && <Loader aria-label="Loading the registry" />}
      {error !== undefined && <Problem error={error} />}
      {answer && <RegistryContent registry={answer.body} query={query} />}
    </Stack>
  );
}

function RegistryContent({ registry, query }: { readonly registry: RegistryBody; readonly query: string }) {
  const found = searchRegistry(registry, query);
  const none = query === '' ? 'None declared.' : 'Nothing matches.';
  return (
    <>
      <Section title="Entities" count={found.entities.length} none={none}>
        <ScrollX label="Entities">
          <table className="data-table striped stack-on-phone">
            <thead>
              <tr>
                <th scope="col">Entity</th>
                <th scope="col">Join key</th>
                <th scope="col">Description</th>
                <th scope="col">Rows expire</th>
              </tr>
            </thead>
            <tbody>
              {found.entities.map((entity) => (
                <tr key={entity.name}>
                  <th scope="row">
                    <Anchor component={Link} href={lookupHref('entity', entity.name)} title={`Look up a ${entity.name}`}>
                      {entity.name}
                    </Anchor>
                  </th>
                  <td data-label="Join key">
                    <Code>{entity.join_key.name}</Code> {entity.join_key.type}
                  </td>
                  <td data-label="Description">{entity.description ?? '—'}</td>
                  <td data-label="Rows expire">{entity.ttl_seconds === null ? 'never' : `after ${formatDuration(entity.ttl_seconds)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      </Section>

      <Section title="Feature views" count={found.views.length} none={none}>
        <Stack gap="md">
          {found.views.map((view) => (
            <ViewCard key={view.name} view={view} />
          ))}
        </Stack>
      </Section>

      <Section title="Feature services" count={found.featureServices.length} none={none}>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {found.featureServices.map((service) => (
            <Card key={service.name} withBorder component="article" aria-labelledby={`service-${service.name}`}>
              <Group justify="space-between">
                <Title order={4} id={`service-${service.name}`}>
                  {service.name} <Badge variant="outline">v{service.version}</Badge>
                </Title>
                <Anchor component={Link} href={lookupHref('service', service.name)}>
                  Look up
                </Anchor>
              </Group>
              {service.description && <Text>{service.description}</Text>}
              <Text size="sm" c="dimmed">
                Rows name {joinKeyText(service.join_keys)}
              </Text>
              <ul>
                {service.features.map((reference) => (
                  <li key={reference}>
                    <Code>{reference}</Code>
                  </li>
                ))}
              </ul>
            </Card>
          ))}
        </SimpleGrid>
      </Section>

      <Section title="Push sources" count={found.pushSources.length} none={none}>
        <ScrollX label="Push sources">
          <table className="data-table striped stack-on-phone">
            <thead>
              <tr>
                <th scope="col">Push source</th>
                <th scope="col">Writes view</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {found.pushSources.map((source) => (
                <tr key={source.name}>
                  <th scope="row">{source.name}</th>
                  <td data-label="Writes view">
                    <Code>{source.view}</Code>
                  </td>
                  <td data-label="Description">{source.description ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      </Section>
    </>
  );
}

function Section({ title, count, none, children }: { readonly title: string; readonly count: number; readonly none: string; readonly children: ReactNode }) {
  const id = `section-${title.toLowerCase().replaceAll(' ', '-')}`;
  return (
    <section aria-labelledby={id}>
      <Title order={3} id={id} mb="xs">
        {title} ({count})
      </Title>
      {count === 0 ? <Text c="dimmed">{none}</Text> : children}
    </section>
  );
}

function ViewCard({ view }: { readonly view: ViewDefinition }) {
  const id = `view-${view.name}`;
  return (
    <Card withBorder component="article" aria-labelledby={id} data-testid={id}>
      <Group justify="space-between" align="baseline">
        <Title order={4} id={id}>
          {view.name}
        </Title>
        <Group gap="md">
          <Anchor component={Link} href={lookupHref('entity', view.key_space)}>
            Look up
          </Anchor>
          <Anchor component={Link} href={`/health?view=${encodeURIComponent(view.name)}`}>
            Freshness
          </Anchor>
        </Group>
      </Group>
      {view.description && <Text>{view.description}</Text>}
      <Text size="sm" c="dimmed" mb="xs">
        Keyed by {joinKeyText(view.join_keys)} · {view.max_age_seconds === null ? 'no max age' : `max age ${formatDuration(view.max_age_seconds)}`} · event
        time in <Code>{view.event_time_field}</Code>
      </Text>
      <ScrollX label={`Features of ${view.name}`}>
        <table className="data-table stack-on-phone">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
              <th scope="col">Examples</th>
            </tr>
          </thead>
          <tbody>
            {view.features.map((feature) => (
              <tr key={feature.name}>
                <th scope="row">
                  <Code>{feature.name}</Code>
                </th>
                <td data-label="Type">{typeText(feature)}</td>
                <td data-label="Description">{feature.description ?? '—'}</td>
                <td data-label="Examples">{feature.examples?.map((example) => JSON.stringify(example)).join(', ') ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </Card>
  );
}

/** The type with its bounds: `float_vector[128]`, `string (max 64)`. */
function typeText(feature: FeatureDefinition): string {
  if (feature.dimension !== null) return `${feature.type}[${feature.dimension}]`;
  return feature.max_length === null ? feature.type : `${feature.type} (max ${feature.max_length.toLocaleString('en')})`;
}
