// The database connection budget of WhatsApp sessions. Every session child holds at most
// CONNECTIONS_PER_SESSION connections (one slonik, one event store); the roles keep
// NOVI_DB_RESERVED_CONNECTIONS. Starting a session beyond what is left is refused with the reason,
// and the supervisor never holds more leases than the budget across all hosts.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';

export const CONNECTIONS_PER_SESSION = 2;

export interface SessionBudget {
  maxSessions: number;
  maxConnections: number;
  reserved: number;
}

const settings = z.object({ max: z.coerce.number(), su: z.coerce.number() });

export async function sessionBudget(rt: Pick<Runtime, 'config'>, db: CommonQueryMethods): Promise<SessionBudget> {
  const s = await db.one(sql.type(settings)`
    select current_setting('max_connections') as max, current_setting('superuser_reserved_connections') as su`);
  const reserved = rt.config.dbReservedConnections + s.su;
  return { maxSessions: Math.max(0, Math.floor((s.max - reserved) / CONNECTIONS_PER_SESSION)), maxConnections: s.max, reserved };
}

export function budgetReason(b: SessionBudget): string {
  return (
    `This server runs at most ${b.maxSessions} WhatsApp sessions: its database allows ${b.maxConnections} connections, ` +
    `${b.reserved} are kept for Novi itself and each session needs ${CONNECTIONS_PER_SESSION}. ` +
    `Stop another session, or raise max_connections (or lower NOVI_DB_RESERVED_CONNECTIONS).`
  );
}
