import { Button, Group, PasswordInput, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useApiKey } from '../api/api-key';

/** The key field: what is typed goes to the tab's memory on "Use key", and nowhere else. */
export function ApiKeyForm() {
  const { key, setKey } = useApiKey();
  const [draft, setDraft] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setKey(draft.trim());
    setDraft('');
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <PasswordInput
          size="xs"
          label="API key"
          description={key === '' ? 'Only needed when reads need a key' : 'A key is in use (this tab only)'}
          value={draft}
          onChange={(event) => setDraft(event.currentTarget.value)}
          autoComplete="off"
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the key' }}
          w={220}
        />
        <Button size="xs" type="submit" disabled={draft.trim() === ''}>
          Use key
        </Button>
        {key !== '' && (
          <Button size="xs" variant="default" onClick={() => setKey('')}>
            Forget key
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        Kept in this tab&apos;s memory only: never stored, never in a link.
      </Text>
    </form>
  );
}
