import {Badge, Card, Group, Loader, NativeSelect, SimpleGrid, Stack, Text, Title} from '@mantine/core';
import { useSearchParams } from 'wouter';
import { ROW_SOURCES, type RouteSummary, type RowSource, type ScrapeStatus, type SummaryBody, type ViewSummary } from '../api/api-types';
import { useApi } from '../api/use-api';
import { formatDuration, formatRate, formatSeconds } from '../format/format';
import { Problem } from '../shell/problem';
import { ScrollX } from '../shell/scroll-x';
import { SERIES_COLORS } from '../shell/theme';
import { type Freshness, activeSources, busiestRoutes, epochSeconds, freshness, latest } from './health-series';
import { type ChartLine, TimeSeriesChart } from './time-series-chart';

/** The API samples every 5 s: refreshing faster would show nothing new. */
const REFRESH_MS = 5_000;
const ROUTES_PLOTTED = 6;

const SOURCE_LABELS: Record<RowSource, string> = { push: 'push (API)', stream: 'stream', load: 'bulk load', simulator: 'simulator' };
const SOURCE_COLORS: Record<RowSource, string> = { push: SERIES_COLORS[0], stream: SERIES_COLORS[1], load: SERIES_COLORS[2], simulator: SERIES_COLORS[3] };

const FRESHNESS: Record<Freshness, { readonly label: string; readonly color: string }> = {
  stale: { label: 'Older than its max age', color: '#b02525' },
  fresh: { label: 'Within its max age', color: '#216e31' },
  unknown: { label: 'Nothing served lately', color: '#495057' },
  unbounded: { label: 'No max age', color: '#495057' },
};

const ageText = (seconds: number | null) => (seconds === null ? '–' : seconds < 10 ? `${Number(seconds.toPrecision(2))} s` : formatDuration(seconds));
const rateText = (rate: number | null) => (rate === null ? '–' : `${Number(rate.toPrecision(3))}/s`);

/** Freshness and health: per view, the age of the rows served and the rows written by source; per route, rate and p99; Redis errors. */
export default function HealthPage() {
  const { answer, error, loading } = useApi<SummaryBody>('/v1/metrics/summary', undefined, REFRESH_MS);
  const [params, setParams] = useSearchParams();
  const summary = answer?.body;
  const chosen = params.get('view') ?? '';
  const views = summary?.views.filter(({ view }) => chosen === '' || view === chosen) ?? [];
  return (
    <Stack gap="lg">
      <Title order={2} mt="md">
        Freshness and health
      </Title>
      <Text>
        The last 10 minutes, each point over the minute before it, from the API&apos;s and the ingestor&apos;s metrics; refreshed every{' '}
        {REFRESH_MS / 1_000} s.
      </Text>
      {loading && <Loader aria-label="Loading the metrics" />}
      {error !== undefined && <Problem error={error} title={summary ? 'The last refresh failed' : 'Nothing to show'} />}
      {summary && (
        <>
          <Group gap="lg">
            <ScrapeBadge name="API metrics" status={summary.scrapes.api} />
            <ScrapeBadge name="Ingestor metrics" status={summary.scrapes.ingestor} />
            <Text size="sm" c="dimmed">
              {summary.times.length === 0 ? 'Collecting the first samples…' : `Last sample ${new Date(summary.times.at(-1)!).toLocaleTimeString()}`}
            </Text>
          </Group>
          <section aria-labelledby="health-views">
            <Group justify="space-between" align="flex-end" mb="xs">
              <Title order={3} id="health-views">
                Freshness per view
              </Title>
              <NativeSelect
                label="View"
                value={chosen}
                data={[{ value: '', label: 'Every view' }, ...summary.views.map(({ view }) => ({ value: view, label: view }))]}
                onChange={(event) => setParams(event.currentTarget.value === '' ? {} : { view: event.currentTarget.value }, { replace: true })}
                w={240}
              />
            </Group>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              {views.map((view) => (
                <ViewHealth key={view.view} view={view} times={summary.times} />
              ))}
            </SimpleGrid>
          </section>
          <RoutesHealth summary={summary} />
          <section aria-labelledby="health-redis">
            <Title order={3} id="health-redis" mb="xs">
              Redis errors
            </Title>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <TimeSeriesChart
                title="Requests failed by Redis, per second"
                times={epochSeconds(summary.times)}
                lines={[{ label: 'Redis errors', values: summary.redis_errors_per_second, color: SERIES_COLORS[1] }]}
                format={rateText}
                summary={`Latest: ${rateText(latest(summary.redis_errors_per_second))}.`}
              />
            </SimpleGrid>
          </section>
        </>
      )}
    </Stack>
  );
}

function ScrapeBadge({ name, status }: { readonly name: string; readonly status: ScrapeStatus }) {
  const color = status.status === 'up' ? '#216e31' : status.status === 'down' ? '#b02525' : '#495057';
  return (
    <Group gap={6}>
      <Text size="sm">{name}</Text>
      <Badge color={color} variant="filled">
        {status.status}
      </Badge>
      {status.detail && (
        <Text size="sm" c="dimmed">
          {status.detail}
        </Text>
      )}
    </Group>
  );
}

function ViewHealth({ view, times }: { readonly view: ViewSummary; readonly times: readonly string[] }) {
  const state = freshness(view);
  const x = epochSeconds(times);
  const p50 = latest(view.served_age_p50_seconds);
  const p99 = latest(view.served_age_p99_seconds);
  const ages: ChartLine[] = [
    { label: 'p50', values: view.served_age_p50_seconds, color: SERIES_COLORS[0] },
    { label: 'p99', values: view.served_age_p99_seconds, color: SERIES_COLORS[1] },
    ...(view.max_age_seconds === null ? [] : [{ label: 'max age', values: times.map(() => view.max_age_seconds), color: SERIES_COLORS[5], dash: [6, 4] }]),
  ];
  const sources = activeSources(view);
  const id = `health-${view.view}`;
  return (
    <Card withBorder component="article" aria-labelledby={id} className={state === 'stale' ? 'stale-card' : undefined} data-testid={id} data-freshness={state}>
      <Group justify="space-between" mb="xs">
        <Title order={4} id={id}>
          {view.view}
        </Title>
        <Badge color={FRESHNESS[state].color} variant={state === 'unbounded' ? 'outline' : 'filled'}>
          {FRESHNESS[state].label}
        </Badge>
      </Group>
      <Stack gap="md">
        {p50 === null ? (
          <Text size="sm">No rows of this view were served in the last minutes: no ages to show.</Text>
        ) : (
          <TimeSeriesChart
            title="Age of the rows served (log scale)"
            times={x}
            lines={ages}
            format={ageText}
            log
            summary={`Latest: p50 ${ageText(p50)}, p99 ${ageText(p99)}; max age ${view.max_age_seconds === null ? 'none' : formatDuration(view.max_age_seconds)}.`}
            testId={`${id}-age`}
          />
        )}
        {sources.length === 0 ? (
          <Text size="sm">No rows of this view were written in the last minutes.</Text>
        ) : (
          <TimeSeriesChart
            title="Rows written per second, by source"
            times={x}
            lines={sources.map((source) => ({ label: SOURCE_LABELS[source], values: view.rows_per_second[source], color: SOURCE_COLORS[source] }))}
            format={rateText}
            summary={`Latest: ${ROW_SOURCES.filter((source) => sources.includes(source)).map((source) => `${SOURCE_LABELS[source]} ${rateText(latest(view.rows_per_second[source]))}`).join(', ')}.`}
            testId={`${id}-rows`}
          />
        )}
      </Stack>
    </Card>
  );
}

function RoutesHealth({ summary }: { readonly summary: SummaryBody }) {
  const plotted = busiestRoutes(summary.routes, ROUTES_PLOTTED);
  const shown = busiestRoutes(summary.routes, summary.routes.length);
  const x = epochSeconds(summary.times);
  const name = (route: RouteSummary) => `${route.method} ${route.route}`;
  const lines = (pick: (route: RouteSummary) => RouteSummary['p99_seconds']) =>
    plotted.map((route, index) => ({ label: name(route), values: pick(route), color: SERIES_COLORS[index % SERIES_COLORS.length]! }));
  return (
    <section aria-labelledby="health-routes">
      <Title order={3} id="health-routes" mb="xs">
        Serving: requests and latency per route
      </Title>
      {plotted.length === 0 ? (
        <Text>No requests in the last minutes.</Text>
      ) : (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <TimeSeriesChart
              title={`Requests per second (the ${plotted.length} busiest routes)`}
              times={x}
              lines={lines((route) => route.requests_per_second)}
              format={rateText}
              summary={plotted.map((route) => `${name(route)}: ${rateText(latest(route.requests_per_second))}`).join('; ')}
              testId="health-requests"
            />
            <TimeSeriesChart
              title="p99 latency"
              times={x}
              lines={lines((route) => route.p99_seconds)}
              format={formatSeconds}
              summary={plotted.map((route) => `${name(route)}: ${formatSeconds(latest(route.p99_seconds))}`).join('; ')}
              testId="health-latency"
            />
          </SimpleGrid>
          <ScrollX label="Routes">
            <table className="data-table striped stack-on-phone">
              <caption>Latest minute, every route with requests in the last 10 minutes</caption>
              <thead>
                <tr>
                  <th scope="col">Route</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Answered 5xx</th>
                  <th scope="col">p99</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((route) => (
                  <tr key={name(route)}>
                    <th scope="row">{name(route)}</th>
                    <td data-label="Requests">{formatRate(latest(route.requests_per_second))}</td>
                    <td data-label="Answered 5xx">{formatRate(latest(route.server_errors_per_second))}</td>
                    <td data-label="p99">{formatSeconds(latest(route.p99_seconds))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
        </Stack>
      )}
    </section>
  );
}
