import type { Logger, LogFields } from '@baqup/core';
import winston from 'winston';
import type { Writable } from 'node:stream';
import { resolveLevel, type LogLevel } from './levels.js';
import type { Redactor } from '@baqup/core';
import { lineObject } from './serialize.js';
import { textLine } from './text-line.js';

export type LogFormat = 'json' | 'text';

export interface LoggerOptions {
  /** `logging.level` from the config; `LOG_LEVEL` in the environment overrides it. Default `info`. */
  level?: string;
  /** `json` (default): one object a line, for Loki. `text`: one readable line, for a terminal. */
  format?: LogFormat;
  /** Where lines go; default `process.stdout`. */
  stream?: Writable;
  /** Known secret strings replaced by `[redacted]` anywhere in a line; the controller adds passwords as it resolves them. */
  redactor?: Redactor;
  /** Colour the level in text format; default: when the stream is a TTY. */
  colors?: boolean;
  /** Environment read for `LOG_LEVEL`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Clock for `time`; tests pin it. */
  now?: () => Date;
  /** Told every line written, as its (redacted) JSON object, after the level filter: the controller keeps jobs' lines. */
  onLine?: (line: Readonly<Record<string, unknown>>) => void;
}

/** The logger `createLogger` returns: core's `Logger`, with `child` always present and the level in force. */
export interface RootLogger extends Logger {
  child(fields: LogFields): RootLogger;
  readonly level: LogLevel;
  /** Resolves once every line logged so far has been handed to the stream (call before `process.exit`). */
  flush(): Promise<void>;
}

// winston stores the finished line under this symbol (triple-beam's MESSAGE); the transport writes it as is.
const MESSAGE = Symbol.for('message');
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** A winston-backed logger writing one line per call: JSON for machines, text for people. */
export function createLogger(options: LoggerOptions = {}): RootLogger {
  const level = resolveLevel(options.level, options.env);
  const stream = options.stream ?? process.stdout;
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'text') throw new TypeError(`log format must be json or text, got "${String(format)}"`);
  const colors = options.colors ?? (format === 'text' && (stream as { isTTY?: boolean }).isTTY === true);
  const now = options.now ?? (() => new Date());
  const redactor = options.redactor;

  const render = winston.format((info) => {
    const line = lineObject(now().toISOString(), info.level, String(info.message), info.fields as LogFields, redactor);
    // winston formats before its transports filter by level: only lines that will be written are told.
    if (options.onLine && RANK[info.level as LogLevel] <= RANK[level]) {
      try {
        options.onLine(line);
      } catch {
        // a listener that throws never stops a line
      }
    }
    (info as Record<symbol, unknown>)[MESSAGE] = format === 'json' ? JSON.stringify(line) : textLine(line, colors);
    return info;
  });
  const winstonLogger = winston.createLogger({
    level,
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    format: render(),
    transports: [new winston.transports.Stream({ stream })],
    exitOnError: false,
  });

  // winston hands lines to its transports through stream piping (next tick at worst); then the stream drains in order.
  const flush = () =>
    new Promise<void>((resolve) => setImmediate(() => (stream.writable ? stream.write('', () => resolve()) : resolve())));

  const bind = (bound: LogFields | undefined): RootLogger => {
    const write = (lvl: LogLevel) => (msg: string, fields?: LogFields) => {
      // Fields travel under one key so winston's own meta merging never touches (or copies) them.
      winstonLogger.log({ level: lvl, message: msg, fields: bound ? { ...bound, ...fields } : fields });
    };
    return {
      level,
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (fields) => bind({ ...bound, ...fields }),
      flush,
    };
  };
  return bind(undefined);
}
