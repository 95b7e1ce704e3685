import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { PinoLoggerService } from './pino-logger';

/** A logger whose lines are kept, parsed. */
function capture(): { service: PinoLoggerService; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { service: new PinoLoggerService('info', 'test', destination), lines };
}

describe('PinoLoggerService', () => {
  afterEach(() => Logger.overrideLogger(false));

  it('keeps the fields of an object logged as an error through a Nest Logger with a context', () => {
    const { service, lines } = capture();
    Logger.overrideLogger(service);
    new Logger('HttpError').error({ reqId: 'r1', code: 'REDIS_ERROR', err: { message: 'down' } });
    // pino's error serializer takes the message of `err`.
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, context: 'HttpError', reqId: 'r1', code: 'REDIS_ERROR', msg: 'down' }),
    ]);
  });

  it.each([
    ['a message and a context', ['boom', 'Main'], { msg: 'boom', context: 'Main' }],
    ['a message, a stack and a context', ['boom', 'Error: boom\n  at x', 'Main'], { msg: 'boom', context: 'Main', stack: 'Error: boom\n  at x' }],
    ['a message alone', ['boom'], { msg: 'boom' }],
  ])('writes an error given %s', (_case, args, fields) => {
    const { service, lines } = capture();
    service.error(...(args as [string, string?, string?]));
    expect(lines).toEqual([expect.objectContaining({ level: 50, ...fields })]);
  });

  it('writes other levels with their context and fields', () => {
    const { service, lines } = capture();
    service.log('listening', 'Main');
    service.warn({ msg: 'slow', ms: 12 }, 'Redis');
    service.debug('hidden at info', 'Main');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, context: 'Main', msg: 'listening' }),
      expect.objectContaining({ level: 40, context: 'Redis', msg: 'slow', ms: 12 }),
    ]);
  });
});
