import { Alert } from '@mantine/core';
import { problemText } from '../api/api-client';

/** What went wrong, in words: a failed call (401/403 say what key is needed), or a message of the page. */
export function Problem({ error, message, title = 'Nothing to show' }: { readonly error?: unknown; readonly message?: string; readonly title?: string }) {
  return (
    <Alert color="red.9" title={title} role="alert">
      {message ?? problemText(error)}
    </Alert>
  );
}
