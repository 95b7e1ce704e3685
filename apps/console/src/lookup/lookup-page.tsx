import {Anchor, Badge, Button, Card, Code, CopyButton, Grid, Group, Loader, NativeSelect, Stack, Text, TextInput, Title} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { useApiKey } from '../api/api-key';
import type { FeatureReadBody, FeatureStatus, JoinKey, RegistryBody } from '../api/api-types';
import { useApi } from '../api/use-api';
import { formatAge, formatValue } from '../format/format';
import { useRegistry } from '../registry/registry-context';
import { Problem } from '../shell/problem';
import { ScrollX } from '../shell/scroll-x';
import { curlCommand } from './curl-command';
import {
  type LookupTarget,
  entityRows,
  featureReadRequest,
  linkIds,
  linkTarget,
  lookupSearch,
  splitIds,
  targetJoinKeys,
} from './lookup-query';

/** Badge colours with white text at 6:1 or more; the status is always written out, never colour alone. */
const STATUS_COLORS: Record<FeatureStatus, string> = {
  PRESENT: '#216e31',
  NULL_VALUE: '#495057',
  NOT_FOUND: '#495057',
  OUTSIDE_MAX_AGE: '#9a4a00',
  INVALID: '#b02525',
};

const targetValue = (target: LookupTarget) => `${target.kind}:${target.name}`;
const parseTarget = (value: string): LookupTarget | null => {
  const [kind, ...name] = value.split(':');
  return kind === 'entity' || kind === 'service' ? { kind, name: name.join(':') } : null;
};

/**
 * Lookup: an entity (or a composite key, or a feature service) and ids in; the typed values, each
 * with its status and event time, out; what the link holds is the whole state, so a link opens
 * the same lookup with its answer.
 */
export default function LookupPage() {
  const { answer: registryAnswer, error: registryError, loading } = useRegistry();
  const [params] = useSearchParams();
  const registry = registryAnswer?.body;
  const target = linkTarget(params) ?? (registry ? defaultTarget(registry) : null);
  const joinKeys = registry && target ? targetJoinKeys(registry, target) : null;
  const asked = params.has('ids') || (joinKeys ?? []).some(({ name }) => params.has(name));
  const ids = joinKeys ? linkIds(params, joinKeys) : [];
  const built = joinKeys && asked ? entityRows(joinKeys, ids) : null;
  const request = registry && target && built && 'rows' in built ? featureReadRequest(registry, target, built.rows) : null;

  return (
    <Stack gap="lg">
      <Title order={2} mt="md">
        Lookup
      </Title>
      {loading && <Loader aria-label="Loading the registry" />}
      {registryError !== undefined && <Problem error={registryError} />}
      {registry && (
        // Remounted when the link changes (back, forward, a pasted link): the form shows the link.
        <LookupForm key={params.toString()} registry={registry} target={target} ids={ids} />
      )}
      {registry && target && joinKeys === null && <Problem message={`The registry has no ${target.kind} "${target.name}".`} title="Unknown target" />}
      {built && 'problems' in built && <Problem message={built.problems.join('; ')} title="Ids to fix" />}
      {registry && request && <LookupResult registry={registry} request={request} />}
    </Stack>
  );
}

function defaultTarget(registry: RegistryBody): LookupTarget | null {
  const first = registry.key_spaces[0];
  return first ? { kind: 'entity', name: first.name } : null;
}

function LookupForm({ registry, target, ids }: { readonly registry: RegistryBody; readonly target: LookupTarget | null; readonly ids: readonly (readonly string[])[] }) {
  const [, navigate] = useLocation();
  const [chosen, setChosen] = useState(target ? targetValue(target) : '');
  const chosenTarget = parseTarget(chosen);
  const joinKeys = (chosenTarget && targetJoinKeys(registry, chosenTarget)) ?? [];
  const [texts, setTexts] = useState<Record<string, string>>(() => {
    const linked = (target && targetJoinKeys(registry, target)) ?? [];
    return Object.fromEntries(linked.map(({ name }, index) => [name, (ids[index] ?? []).join(', ')]));
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosenTarget) return;
    navigate(`/lookup?${lookupSearch(chosenTarget, joinKeys, joinKeys.map(({ name }) => splitIds(texts[name] ?? '')))}`);
  };
  const options = [
    {
      group: 'Entities',
      items: registry.key_spaces.map((space) => ({ value: targetValue({ kind: 'entity', name: space.name }), label: `${space.entities.join(' + ')} (${space.join_keys.map(({ name }) => name).join(', ')})` })),
    },
    ...(registry.feature_services.length === 0
      ? []
      : [{ group: 'Feature services', items: registry.feature_services.map((service) => ({ value: targetValue({ kind: 'service', name: service.name }), label: `${service.name} v${service.version}` })) }]),
  ];

  return (
    <form onSubmit={submit} aria-label="Lookup">
      <Group align="flex-end" gap="md" wrap="wrap">
        <NativeSelect label="Look up" data={options} value={chosen} onChange={(event) => setChosen(event.currentTarget.value)} w={280} />
        {joinKeys.map((joinKey) => (
          <IdsInput key={joinKey.name} joinKey={joinKey} value={texts[joinKey.name] ?? ''} onChange={(text) => setTexts({ ...texts, [joinKey.name]: text })} />
        ))}
        <Button type="submit">Look up</Button>
      </Group>
    </form>
  );
}

function IdsInput({ joinKey, value, onChange }: { readonly joinKey: JoinKey; readonly value: string; readonly onChange: (text: string) => void }) {
  return (
    <TextInput
      label={`${joinKey.name} (${joinKey.type})`}
      description="One or more, separated by commas or spaces"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      autoComplete="off"
      spellCheck={false}
      w={320}
    />
  );
}

/** A second's clock for "3 s ago". */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function LookupResult({ registry, request }: { readonly registry: RegistryBody; readonly request: object }) {
  const { answer, error, loading } = useApi<FeatureReadBody>('/v1/features', request);
  const { key } = useApiKey();
  const now = useNow();
  const types = new Map(registry.views.flatMap((view) => view.features.map((feature) => [`${view.name}:${feature.name}`, feature.type])));
  const command = curlCommand(window.location.origin, '/v1/features', request, key !== '');
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <section aria-labelledby="lookup-answer" aria-busy={loading}>
          <Title order={3} id="lookup-answer" mb="xs">
            Answer
          </Title>
          {loading && <Loader aria-label="Looking up" />}
          {error !== undefined && <Problem error={error} title="The lookup failed" />}
          {answer && (
            <Stack gap="md">
              {answer.body.feature_service && (
                <Text>
                  Feature service <Code>{answer.body.feature_service.name}</Code> version {answer.body.feature_service.version}
                </Text>
              )}
              {answer.body.results.map((result, row) => {
                const keyText = Object.entries(result.key).map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(', ');
                const found = result.statuses.some((status) => status !== 'NOT_FOUND');
                return (
                  <Card key={row} withBorder component="article" aria-label={keyText} data-testid="lookup-row">
                    <Group justify="space-between">
                      <Title order={4}>{keyText}</Title>
                      {!found && (
                        <Badge color={STATUS_COLORS.NOT_FOUND} variant="filled">
                          Not found
                        </Badge>
                      )}
                    </Group>
                    {!found ? (
                      <Text>Nothing is stored for this key: every feature is NOT_FOUND.</Text>
                    ) : (
                      <ScrollX label={`Features of ${keyText}`}>
                        <table className="data-table stack-on-phone">
                          <thead>
                            <tr>
                              <th scope="col">Feature</th>
                              <th scope="col">Type</th>
                              <th scope="col">Value</th>
                              <th scope="col">Status</th>
                              <th scope="col">Event time</th>
                            </tr>
                          </thead>
                          <tbody>
                            {answer.body.features.map((feature, column) => {
                              const status = result.statuses[column]!;
                              const eventTime = result.event_times[column] ?? null;
                              return (
                                <tr key={feature}>
                                  <th scope="row">
                                    <Code>{feature}</Code>
                                  </th>
                                  <td data-label="Type">{types.get(feature) ?? ''}</td>
                                  <td data-label="Value">
                                    <Code data-testid="feature-value">{formatValue(result.values[column])}</Code>
                                  </td>
                                  <td data-label="Status">
                                    <Badge color={STATUS_COLORS[status]} variant="filled">
                                      {status}
                                    </Badge>
                                  </td>
                                  <td data-label="Event time">{eventTime === null ? '—' : <time dateTime={eventTime} title={eventTime}>{formatAge(eventTime, now)}</time>}</td>
                                </tr>
                              );
                            })}
                          </tbody>
                        </table>
                      </ScrollX>
                    )}
                  </Card>
                );
              })}
            </Stack>
          )}
        </section>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Stack gap="md">
          <section aria-labelledby="lookup-curl">
            <Group justify="space-between" mb="xs">
              <Title order={3} id="lookup-curl">
                The same request with curl
              </Title>
              <Copy value={command} label="Copy the command" />
            </Group>
            <Code block className="wrap-code" data-testid="curl-command">
              {command}
            </Code>
            {key !== '' && (
              <Text size="sm" c="dimmed" mt={4}>
                Set FEATURE_STORE_API_KEY to your key first: the page never writes a key out.
              </Text>
            )}
          </section>
          <Group gap="md">
            <Text size="sm">Share this lookup:</Text>
            <Copy value={window.location.href} label="Copy the link" />
          </Group>
          {answer && (
            <details>
              <summary>
                <Anchor component="span">The API&apos;s answer, exactly as it sent it</Anchor>
              </summary>
              <Code block className="wrap-code">
                {answer.text}
              </Code>
            </details>
          )}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}

function Copy({ value, label }: { readonly value: string; readonly label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="xs" variant="default" onClick={copy} aria-live="polite">
          {copied ? 'Copied' : label}
        </Button>
      )}
    </CopyButton>
  );
}
