import { Anchor, Container, Group, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiKeyForm } from './api-key-form';

const PAGES = [
  { href: '/', label: 'Registry' },
  { href: '/lookup', label: 'Lookup' },
  { href: '/health', label: 'Freshness and health' },
] as const;

/** Header (title, pages, key field) and the page. */
export function Layout({ children }: { readonly children: ReactNode }) {
  const [location] = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the content
      </a>
      <header>
        <Container size="xl" py="md">
          <Group justify="space-between" align="flex-end" gap="md">
            <Stack gap={6}>
              <Title order={1} size="h3">
                Feature store console
              </Title>
              <nav aria-label="Pages">
                <Group gap="lg">
                  {PAGES.map(({ href, label }) => (
                    <Anchor key={href} component={Link} href={href} className="nav-link" aria-current={location === href ? 'page' : undefined}>
                      {label}
                    </Anchor>
                  ))}
                  <Anchor href="/docs">API reference</Anchor>
                </Group>
              </nav>
            </Stack>
            <ApiKeyForm />
          </Group>
        </Container>
      </header>
      <Container component="main" id="main" size="xl" pb="xl" tabIndex={-1}>
        {children}
      </Container>
    </>
  );
}
