// The WhatsApp session control port (src/whatsapp/control.ts, owned by the sessions work).
// Loaded lazily so the web app builds and its other routes work before that module exists.
import type { Runtime } from '../../src/runtime.ts';
import { DomainError } from '../../src/shared/errors.ts';

export type SessionState = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED';

export interface SessionInfo {
  id: string;
  state: string;
  qr: string | null;
  phone: string | null;
  lastSeenAt: string | null;
  transport: string;
  /** Why a FAILED session gave up, for the merchant. */
  reason?: string | null;
}

export interface WhatsappControl {
  startSession(rt: Runtime, input: { businessId: string; transport: 'whatsapp' | 'simulator'; actor: string }): Promise<{ id: string; state: string }>;
  getSession(rt: Runtime, businessId: string): Promise<SessionInfo | null>;
  stopSession(rt: Runtime, input: { businessId: string; actor: string }): Promise<void>;
  postSimulatorMessage(rt: Runtime, input: { groupId: string; from: { name: string; phone: string }; text: string; id?: string; replyTo?: string }): Promise<{ messageId: string }>;
  readSimulatorOutbox(rt: Runtime, groupId: string): Promise<Array<{ id: string; to: string; text: string; sentAt: string; inReplyTo: string | null }>>;
  postSimulatorDirectMessage(rt: Runtime, input: { businessId: string; from: { name: string; phone: string }; text: string; id?: string }): Promise<{ messageId: string }>;
  readSimulatorDirectOutbox(rt: Runtime, businessId: string, phone: string | null): Promise<Array<{ to: string; text: string; sentAt: string; inReplyTo: string | null; chatId: string }>>;
}

class Unavailable extends DomainError {
  readonly code: string = 'UNAVAILABLE';
  readonly httpStatus: number = 503;
}

const MODULE = '../../src/whatsapp/control.ts';
let loading: Promise<WhatsappControl> | undefined;

export function control(): Promise<WhatsappControl> {
  loading ??= (import(MODULE) as Promise<WhatsappControl>).catch((e: unknown) => {
    loading = undefined;
    throw new Unavailable('WhatsApp session control is not available on this server', { cause: e });
  });
  return loading;
}
