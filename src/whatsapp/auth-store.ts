// The PostgreSQL store behind whatsapp-web.js's RemoteAuth (WHATSAPP_AUTH=remote). RemoteAuth
// zips the WhatsApp Web login state (Default/IndexedDB, Local Storage) to `<dataPath>/<session>.zip`
// and calls save({ session }); on start it calls extract({ session, path }) and unzips it into a
// fresh profile. With the archive in PostgreSQL, a session whose lease moves to another host starts
// there already linked: no new QR, no dead linked device left on the merchant's phone.
//
// Fenced by the lease: only the worker holding the session's unexpired lease may save, so a
// zombie worker on a partitioned host cannot overwrite the newer login state of the session's new
// host. RemoteAuth saves from a timer with no error handling, so save() never throws: a refused
// save (lease lost, archive over the size limit, database down) is logged and the last good
// archive stays.
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { noRows } from './db.ts';

/** RemoteAuth names a session `RemoteAuth-<clientId>`; our clientId is the session's uuid. */
const SESSION_NAME = /^RemoteAuth-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface AuthStoreOptions {
  pool: CommonQueryMethods;
  /** RemoteAuth's dataPath: where it writes `<session>.zip` before save(). */
  dataPath: string;
  /** This worker's lease owner id (the supervisor's). */
  leaseOwner: string;
  /** The largest archive kept, in bytes. */
  maxBytes: number;
  log?: (level: 'info' | 'warn', message: string, extra?: Record<string, unknown>) => void;
}

export class PgAuthStore {
  constructor(private readonly o: AuthStoreOptions) {}

  private sessionId(session: string): string {
    const m = SESSION_NAME.exec(session);
    if (!m) throw new Error(`not a Novi session name: ${session.slice(0, 80)}`);
    return m[1]!;
  }

  async sessionExists({ session }: { session: string }): Promise<boolean> {
    const id = this.sessionId(session);
    return (await this.o.pool.maybeOne(sql.type(noRows)`select from whatsapp_auth_archives where session_id = ${id}`)) !== null;
  }

  /** Stores `<dataPath>/<session>.zip` if this worker holds the session's lease; never throws. */
  async save({ session }: { session: string }): Promise<boolean> {
    try {
      const id = this.sessionId(session);
      const file = join(this.o.dataPath, `${session}.zip`);
      const { size } = await stat(file);
      if (size > this.o.maxBytes) {
        this.o.log?.('warn', 'WhatsApp login archive over the size limit: not saved, the last one stays', { sessionId: id, bytes: size, maxBytes: this.o.maxBytes });
        return false;
      }
      const archive = await readFile(file);
      const saved = await this.o.pool.maybeOne(sql.type(noRows)`
        insert into whatsapp_auth_archives (session_id, archive, bytes, saved_by)
        select ${id}, ${sql.binary(archive)}, ${archive.length}, ${this.o.leaseOwner}
         where exists (select from whatsapp_session_leases
                        where session_id = ${id} and owner = ${this.o.leaseOwner} and expires_at > now())
        on conflict (session_id) do update
          set archive = excluded.archive, bytes = excluded.bytes, saved_by = excluded.saved_by, saved_at = now()
        returning 1 as saved`);
      if (!saved) {
        this.o.log?.('warn', 'WhatsApp login archive not saved: this worker no longer holds the session', { sessionId: id });
        return false;
      }
      this.o.log?.('info', 'WhatsApp login archive saved', { sessionId: id, bytes: archive.length });
      return true;
    } catch (e) {
      this.o.log?.('warn', 'WhatsApp login archive not saved', { err: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /** Writes the session's archive to `path` (atomically: RemoteAuth unzips it right after). */
  async extract({ session, path }: { session: string; path: string }): Promise<void> {
    const id = this.sessionId(session);
    const archive = await this.o.pool.maybeOneFirst(sql.type(z.object({ archive: z.instanceof(Buffer) }))`
      select archive from whatsapp_auth_archives where session_id = ${id}`);
    if (!archive) throw new Error(`no WhatsApp login archive for session ${id}`);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, archive, { mode: 0o600 });
    await rename(tmp, path);
  }

  /** After a logout: the login state is worthless (WhatsApp unlinked the device). */
  async delete({ session }: { session: string }): Promise<void> {
    const id = this.sessionId(session);
    await this.o.pool.query(sql.type(noRows)`delete from whatsapp_auth_archives where session_id = ${id}`);
  }
}

/** Archives of sessions that run nowhere any more (stopped, failed, replaced): removed by the supervisor's sweep. */
export async function sweepAuthArchives(pool: CommonQueryMethods): Promise<number> {
  const gone = await pool.anyFirst(sql.type(z.object({ session_id: z.string() }))`
    delete from whatsapp_auth_archives a
     where not exists (select from whatsapp_session_requests r where r.session_id = a.session_id and r.status = 'running')
     returning a.session_id`);
  return gone.length;
}
