import { curlCommand, shellQuote } from './curl-command';

describe('curlCommand', () => {
  const body = { rows: [{ user_id: "o'brien" }], features: ['user_features:age'] };

  it('sends the same request, quoted for a POSIX shell', () => {
    expect(curlCommand('http://127.0.0.1:8000', '/v1/features', body, false)).toBe(
      [
        "curl -X POST 'http://127.0.0.1:8000/v1/features' \\",
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"rows":[{"user_id":"o'\\''brien"}],"features":["user_features:age"]}'`,
      ].join('\n'),
    );
  });

  it('reads a key from the environment, never holding one', () => {
    expect(curlCommand('http://h', '/v1/features', body, true)).toContain('-H "x-api-key: $FEATURE_STORE_API_KEY"');
  });

  it.each([
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ['$HOME `x` "q"', "'$HOME `x` \"q\"'"],
  ])('quotes %s as one word', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});
