import { parseArgs } from 'node:util';
import { AooServer } from '../net/server/aoo-server.ts';
import type { LogRecord, LogValue, ServerEvent } from '../net/server/events.ts';
import { dataTypeName } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import { UsageError, isPort, parseNumber, runCommand } from './stream-clock.ts';

const STATS_INTERVAL_MS = 60_000;

/** Metadata in a log line: its type and size, never its content. */
function metadataField(d: AooData | null): LogValue {
  return d === null ? null : `${dataTypeName(d.type)}, ${d.bytes.length} bytes`;
}

/** A server event as a log record; e.g. GroupJoin → "group-join". */
export function eventRecord(e: ServerEvent): LogRecord {
  const message = e.type.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? '-' : '') + c.toLowerCase());
  const fields: Record<string, LogValue> = {};
  for (const [key, value] of Object.entries(e)) {
    if (key === 'type') continue;
    fields[key] = key === 'metadata' || key === 'userMetadata' ? metadataField(value as AooData | null) : (value as LogValue);
  }
  const failed = (e.type === 'ClientLogin' && e.error !== 0) || (e.type === 'ClientLogout' && e.errorCode !== 0);
  return { level: failed ? 'warn' : 'info', message, fields };
}

/** One JSON object per line: {"time", "level", "msg", …fields}. */
export function formatLogLine(r: LogRecord, time: Date): string {
  return `${JSON.stringify({ time: time.toISOString(), level: r.level, msg: r.message, ...r.fields })}\n`;
}

/** `aoo-node server`: the AOO connection server; JSON log lines on stderr; Ctrl-C stops it. */
export function runServer(args: string[]): Promise<number> {
  return runCommand('server', async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        relay: { type: 'boolean' },
        password: { type: 'string' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const port = parseNumber(values.port, 'port', 7078, isPort, 'a port number (0…65535)');
    const log = (r: LogRecord) => process.stderr.write(formatLogLine(r, new Date()));
    const server = await AooServer.listen({
      port,
      host: values.host,
      relay: values.relay ?? false,
      password: values.password,
      onLog: log,
      onEvent: (e) => log(eventRecord(e)),
    });
    const settings = { port: server.port, host: values.host ?? '*', relay: values.relay ?? false, password: (values.password ?? '') !== '' };
    log({ level: 'info', message: 'listening', fields: settings });

    let lastStats = '';
    const statsTimer = setInterval(() => {
      const { drops, ...counts } = server.core.stats;
      const stats = { ...counts, ...Object.fromEntries(Object.entries(drops).filter(([, n]) => n > 0).map(([k, n]) => [`dropped-${k}`, n])) };
      const text = JSON.stringify(stats);
      if (text !== lastStats) log({ level: 'info', message: 'stats', fields: stats });
      lastStats = text;
    }, STATS_INTERVAL_MS);

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(statsTimer);
    await server.close();
    log({ level: 'info', message: 'stopped', fields: {} });
    return 0;
  });
}
