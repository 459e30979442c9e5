// Which webhook endpoints Novi calls (docs/architecture.md, "API keys and webhooks"):
// - https, at most 2048 characters, no user:password@ in the URL;
// - http only to a loopback host (localhost, 127.0.0.0/8, [::1]) and only outside production;
// - in production no loopback, private, link-local (cloud metadata), CGNAT, multicast or reserved
//   address, checked on the URL when it is saved and on every address DNS gives when connecting
//   (so a name that later resolves inward, DNS rebinding, is refused at delivery time too).
import { isIP } from 'node:net';

export const MAX_WEBHOOK_URL = 2048;

export class UrlRefused extends Error {
  override readonly name = 'UrlRefused';
}

const v4 = (ip: string): number[] => ip.split('.').map(Number);

/** Addresses a production server must never call on a merchant's behalf. */
export function isInternalAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) {
    const [a = 0, b = 0] = v4(ip);
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19))
    );
  }
  if (family === 6) {
    const s = ip.toLowerCase();
    if (s === '::' || s === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
    if (mapped) return isInternalAddress(mapped[1]!);
    // The WHATWG URL parser writes a mapped IPv4 address in hex (::ffff:a00:1 for 10.0.0.1).
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(s);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      const lo = parseInt(hex[2]!, 16);
      return isInternalAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return /^(fc|fd|fe[89ab]|ff)/.test(s) || s.startsWith('64:ff9b:') || s.startsWith('2001:db8');
  }
  return true;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return v4(h)[0] === 127;
  return h === '::1';
}

/** Checks a webhook URL as typed; throws UrlRefused saying why. Returns the normalised URL. */
export function checkWebhookUrl(raw: string, production: boolean): string {
  if (raw.length > MAX_WEBHOOK_URL) throw new UrlRefused(`must be at most ${MAX_WEBHOOK_URL} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('is not a URL');
  }
  if (url.username || url.password) throw new UrlRefused('must not contain a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    if (production) throw new UrlRefused('must use https');
    if (!isLoopbackHost(host)) throw new UrlRefused('must use https (http is allowed only to localhost, outside production)');
  } else if (url.protocol !== 'https:') {
    throw new UrlRefused('must use https');
  }
  if (production && (isLoopbackHost(host) || (isIP(host) !== 0 && isInternalAddress(host)))) {
    throw new UrlRefused('must not point at a private, loopback or link-local address');
  }
  return url.toString();
}
