// pino JSON logs; pretty when a person is watching a terminal.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, options: { name?: string; pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY;
  return pino({
    name: options.name ?? 'novi',
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}),
  });
}
