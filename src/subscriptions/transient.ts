// Which failures are the database's trouble (retried for as long as they last) rather than the event's.
export function isTransient(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as { code?: string; name?: string; message?: string };
    const code = typeof err.code === 'string' ? err.code : '';
    // 08 connection exceptions, 57P operator intervention (shutdown, crash), 53 insufficient resources,
    // 40001 serialization failure, 40P01 deadlock.
    if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('53') || code === '40001' || code === '40P01') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
    if (err.name === 'ConnectionError' || err.name === 'BackendTerminatedError' || err.name === 'StatementTimeoutError') return true;
    if (/Connection terminated|connection .*closed|pool .*ended|the database system is (starting up|shutting down|in recovery)|timeout exceeded when trying to connect/i.test(err.message ?? '')) return true;
  }
  return false;
}
