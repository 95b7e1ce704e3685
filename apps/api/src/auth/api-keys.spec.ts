import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findApiKey, parseApiKeys, readApiKeyFile } from './api-keys';

describe('API keys', () => {
  it('parses name:key:scopes entries and finds a key by its value', () => {
    const keys = parseApiKeys('ingest:0123456789abcdef:read+write, model:fedcba9876543210:read');
    expect(keys.map((key) => [key.name, [...key.scopes]])).toEqual([
      ['ingest', ['read', 'write']],
      ['model', ['read']],
    ]);
    expect(findApiKey(keys, 'fedcba9876543210')?.name).toBe('model');
    expect(findApiKey(keys, 'fedcba987654321')).toBeNull();
    expect(findApiKey(keys, '')).toBeNull();
    expect(parseApiKeys('')).toEqual([]);
  });

  it.each([
    ['a: missing scopes', 'a:0123456789abcdef', 'entry 1: expected <name>:<key>:<scope>'],
    ['an unknown scope', 'a:0123456789abcdef:admin', 'entry 1: expected'],
    ['a short key', 'ok:0123456789abcdef:read,b:short:read', 'entry 2 (b): keys are at least 16 characters'],
  ])('rejects %s without showing the key', (_, text, message) => {
    expect(() => parseApiKeys(text)).toThrow(message);
    try {
      parseApiKeys(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('0123456789abcdef');
    }
  });

  it('reads a mounted key file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.yaml');
    writeFileSync(path, 'keys:\n  - { name: etl, key: aaaaaaaaaaaaaaaaaaaa, scopes: [write] }\n');
    const [key] = readApiKeyFile(path);
    expect(key?.name).toBe('etl');
    expect(findApiKey(readApiKeyFile(path), 'aaaaaaaaaaaaaaaaaaaa')?.scopes.has('write')).toBe(true);
    writeFileSync(path, 'keys:\n  - { name: etl, key: short, scopes: [root] }\n');
    expect(() => readApiKeyFile(path)).toThrow(/keys\.0\.key: keys are at least 16 characters; keys\.0\.scopes\.0/);
  });
});
