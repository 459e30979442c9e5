// Messages between the supervisor and a session child over the IPC channel.

export interface ChildInit {
  type: 'init';
  sessionId: string;
  businessId: string;
  transport: 'whatsapp' | 'simulator';
  databaseUrl: string;
  eventStoreUrl: string | null;
  chromiumPath: string;
  whatsappSessionPath: string;
  /** Where the WhatsApp Web login lives (WHATSAPP_AUTH), and the lease owner that fences RemoteAuth saves. */
  whatsappAuth: { mode: 'local' | 'remote'; backupEveryMs: number; maxBytes: number; leaseOwner: string };
  dataDir: string;
  logLevel: string;
  reconcileEveryMs?: number;
}

/** `chats`: the web asked for the account's chat list (whatsapp_chat_lists, src/whatsapp/chats.ts). */
export type ToChild = ChildInit | { type: 'poke' } | { type: 'chats' } | { type: 'stop'; logout: boolean };

export type FromChild =
  | { type: 'heartbeat'; rss: number; state: string }
  | { type: 'state'; state: 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' }
  /** The child's browser (Chromium leads its own process group): killed with the child. */
  | { type: 'browser'; pid: number }
  /** Sent before exiting with EXIT_FAILED: why, in words the merchant reads. */
  | { type: 'failed'; reason: string };

/** The child gave up for good (QR never scanned, auth failure): do not restart it. */
export const EXIT_FAILED = 3;
/** The child lost its connection (disconnect, transport error): restart with backoff. */
export const EXIT_DISCONNECTED = 1;
