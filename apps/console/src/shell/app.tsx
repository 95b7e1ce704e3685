import { Loader, MantineProvider, Text, Title } from '@mantine/core';
import { Suspense, lazy } from 'react';
import { Route, Router, Switch } from 'wouter';
import { ApiKeyProvider } from '../api/api-key';
import { RegistryProvider } from '../registry/registry-context';
import { RegistryPage } from '../registry/registry-page';
import { Layout } from './layout';
import { cssVariablesResolver, theme } from './theme';

// The registry is the first page; the others load when opened (the plots' library with health).
const LookupPage = lazy(() => import('../lookup/lookup-page'));
const HealthPage = lazy(() => import('../health/health-page'));

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} forceColorScheme="light">
      <ApiKeyProvider>
        <Router base="/ui">
          <RegistryProvider>
            <Layout>
              <Suspense fallback={<Loader aria-label="Loading the page" m="xl" />}>
                <Switch>
                  <Route path="/">
                    <RegistryPage />
                  </Route>
                  <Route path="/lookup">
                    <LookupPage />
                  </Route>
                  <Route path="/health">
                    <HealthPage />
                  </Route>
                  <Route>
                    <Title order={2} mt="md">
                      No such page
                    </Title>
                    <Text>The console has the registry, lookups, and freshness and health: see the links above.</Text>
                  </Route>
                </Switch>
              </Suspense>
            </Layout>
          </RegistryProvider>
        </Router>
      </ApiKeyProvider>
    </MantineProvider>
  );
}
