import fc from 'fast-check';
import { WRONG_TYPE } from './backend';
import { parseHashRows } from './hash-rows';

describe('parseHashRows', () => {
  it.each([
    ['[]', []],
    ['[["34","F"]]', [['34', 'F']]],
    ['[[false,false],["","x"]]', [[false, false], ['', 'x']]],
    ['[["a,b","]["],["ü 😀",false]]', [['a,b', ']['], ['ü 😀', false]]],
    // Lua's cjson escapes "/" and control characters; quotes inside strings are escaped too.
    ['[["a\\/b","say \\"hi\\"","\\n"]]', [['a/b', 'say "hi"', '\n']]],
    // 0: a key of another type than a hash, with or without escapes elsewhere.
    ['[0,["x"],0]', [WRONG_TYPE, ['x'], WRONG_TYPE]],
    ['[["\\n"],0]', [['\n'], WRONG_TYPE]],
    // Not the script's shape: JSON.parse answers.
    ['{}', {}],
    ['[[1,true]]', [[1, true]]],
    ['[ ["a"] ]', [['a']]],
  ])('%s', (text, rows) => {
    expect(parseHashRows(text)).toEqual(rows);
  });

  it.each(['', '[', '[["a"]', '[["a"],', '[["a"]]x', '[["a"', '[[fals]]', '[["a"]]]'])(
    'throws a SyntaxError for %j, which is not JSON',
    (text) => {
      expect(() => parseHashRows(text)).toThrow(SyntaxError);
    },
  );

  const rows = fc.array(
    fc.oneof(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constant(false as const)), { minLength: 1 }), fc.constant(0 as const)),
  );
  const asRead = (value: unknown) => (Array.isArray(value) ? value.map((row: unknown) => (row === 0 ? WRONG_TYPE : row)) : value);

  it('reads every array of rows as JSON.parse does, 0 as WRONG_TYPE', () => {
    fc.assert(
      fc.property(rows, (value) => {
        const read = parseHashRows(JSON.stringify(value));
        expect(read).toEqual(asRead(value));
        read.forEach((row, index) => expect(row === WRONG_TYPE).toBe(value[index] === 0));
      }),
    );
  });

  it('agrees with JSON.parse on every prefix of a reply: the same rows, or a SyntaxError', () => {
    fc.assert(
      fc.property(rows, fc.nat(), (value, cut) => {
        const text = JSON.stringify(value);
        const prefix = text.slice(0, cut % (text.length + 1));
        let expected: unknown;
        try {
          expected = JSON.parse(prefix);
        } catch {
          expect(() => parseHashRows(prefix)).toThrow(SyntaxError);
          return;
        }
        expect(parseHashRows(prefix)).toEqual(asRead(expected));
      }),
    );
  });
});
