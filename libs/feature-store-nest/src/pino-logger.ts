import type { LogLevel as LogLevelSetting } from '@feature-store/config';
import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

/** The levels LOG_LEVEL takes are pino's. */
export type PinoLevel = LogLevelSetting;

/**
 * Nest's logger on pino: one JSON object a line on stdout, `{"level", "time", "context", "msg"}`
 * plus any fields given (a request id, say). Nothing secret is ever passed to it.
 */
export class PinoLoggerService implements LoggerService {
  readonly pino: Logger;

  /** @param destination where the lines go (default: stdout) */
  constructor(level: PinoLevel, name: string, destination?: DestinationStream) {
    const options = { level, name, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
    this.pino = destination ? pino(options, destination) : pino(options);
  }

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }

  error(message: unknown, traceOrContext?: string, context?: string): void {
    // Nest passes (message, context), (message, stack, context), or (message, undefined, context)
    // for a Logger with a context.
    if (context === undefined) this.write('error', message, traceOrContext);
    else this.write('error', message, context, traceOrContext);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  setLogLevels(levels: LogLevel[]): void {
    const order: PinoLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
    const nestToPino: Record<LogLevel, PinoLevel> = {
      verbose: 'trace',
      debug: 'debug',
      log: 'info',
      warn: 'warn',
      error: 'error',
      fatal: 'fatal',
    };
    const lowest = order.find((level) => levels.some((nest) => nestToPino[nest] === level));
    if (lowest) this.pino.level = lowest;
  }

  private write(level: PinoLevel, message: unknown, context?: string, stack?: string): void {
    const fields = stack === undefined ? { context } : { context, stack };
    if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
