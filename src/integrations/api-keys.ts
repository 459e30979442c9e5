// API keys of a business: created (the token is shown once), listed, revoked, and looked up by
// the web role for `Authorization: Bearer novi_…`. Only the SHA-256 of a token is stored (api_keys,
// sql/021); the event log records the key's id and name only.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import { handleCommand, parseCommandData } from '../shared/command-handler.ts';
import { NotFound, ValidationError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { apiKeyStreamId, decideApiKey, evolveApiKey, initialApiKeyState, integrationCommandSchemas } from './aggregates.ts';

export const API_KEY_PREFIX = 'novi_';
/** `novi_` + 32 random bytes in base64url (43 characters). */
export const API_KEY_PATTERN = /^novi_[A-Za-z0-9_-]{43}$/;
/** Keys a business may hold at once (revoked ones do not count). */
export const MAX_ACTIVE_KEYS = 20;
const SHOWN_PREFIX = 12;

export const hashApiKey = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface ApiKeyJson {
  id: string;
  businessId: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = z.coerce.date().transform((d) => d.toISOString());
const keyRow = z.object({
  id: z.string(),
  business_id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: iso,
  last_used_at: iso.nullable(),
  revoked_at: iso.nullable(),
});
const toJson = (r: z.infer<typeof keyRow>): ApiKeyJson => ({
  id: r.id,
  businessId: r.business_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

interface Who {
  userId: string;
  correlationId: string;
}

const meta = (businessId: string, who: Who) => ({ tenantId: businessId, actor: who.userId, correlationId: who.correlationId, causationId: null, occurredAt: new Date().toISOString() });

/**
 * Creates a key: the row (hash only) first, then ApiKeyCreated; when the append fails the row is
 * deleted again, so a key never works without its event. Returns the token, which is not kept.
 */
export async function createApiKey(rt: Runtime, input: { businessId: string; name: string }, who: Who): Promise<{ key: ApiKeyJson; token: string }> {
  const keyId = newId();
  const data = parseCommandData(integrationCommandSchemas.CreateApiKey, { keyId, businessId: input.businessId, name: input.name }, 'API key');
  const active = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from api_keys where business_id = ${data.businessId} and revoked_at is null`);
  if (active >= MAX_ACTIVE_KEYS) {
    throw new ValidationError(`A business may hold at most ${MAX_ACTIVE_KEYS} active API keys; revoke one first`);
  }
  const token = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  await rt.pool.query(sql.unsafe`
    insert into api_keys (id, business_id, name, prefix, hash, created_by)
    values (${keyId}, ${data.businessId}, ${data.name}, ${token.slice(0, SHOWN_PREFIX)}, ${hashApiKey(token)}, ${who.userId})`);
  try {
    await handleCommand({
      store: rt.store,
      streamId: apiKeyStreamId(keyId),
      evolve: evolveApiKey,
      initialState: initialApiKeyState,
      decide: decideApiKey,
      command: { type: 'CreateApiKey', data, metadata: { now: new Date(), actor: who.userId } },
      metadata: meta(data.businessId, who),
      expectedRevision: 'no_stream',
    });
  } catch (e) {
    await rt.pool.query(sql.unsafe`delete from api_keys where id = ${keyId}`);
    throw e;
  }
  return { key: await getApiKey(rt, data.businessId, keyId), token };
}

export async function getApiKey(rt: Runtime, businessId: string, keyId: string): Promise<ApiKeyJson> {
  const row = await rt.pool.maybeOne(sql.type(keyRow)`
    select id, business_id, name, prefix, created_at, last_used_at, revoked_at from api_keys where id = ${keyId} and business_id = ${businessId}`);
  if (!row) throw new NotFound('API key not found');
  return toJson(row);
}

export async function listApiKeys(rt: Runtime, businessId: string): Promise<ApiKeyJson[]> {
  const rows = await rt.pool.any(sql.type(keyRow)`
    select id, business_id, name, prefix, created_at, last_used_at, revoked_at
      from api_keys where business_id = ${businessId} order by revoked_at is not null, created_at desc limit 200`);
  return rows.map(toJson);
}

/**
 * Revokes at once (the row is marked first: the next request with the key is a 401), then records
 * ApiKeyRevoked; a retry after a failed append records it then.
 */
export async function revokeApiKey(rt: Runtime, businessId: string, keyId: string, who: Who): Promise<ApiKeyJson> {
  await getApiKey(rt, businessId, keyId);
  await rt.pool.query(sql.unsafe`update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${keyId} and business_id = ${businessId}`);
  const data = parseCommandData(integrationCommandSchemas.RevokeApiKey, { keyId, businessId }, 'API key');
  await handleCommand({
    store: rt.store,
    streamId: apiKeyStreamId(keyId),
    evolve: evolveApiKey,
    initialState: initialApiKeyState,
    decide: decideApiKey,
    command: { type: 'RevokeApiKey', data, metadata: { now: new Date(), actor: who.userId } },
    metadata: meta(businessId, who),
  });
  return getApiKey(rt, businessId, keyId);
}

export interface KeyPrincipal {
  keyId: string;
  businessId: string;
  owner: { id: string; username: string; email: string; active: boolean };
}

const principalRow = z.object({
  id: z.string(),
  business_id: z.string(),
  owner_id: z.string(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
});

/**
 * The business and owner behind an unrevoked key, or null. The lookup is by hash (a unique index),
 * so its time does not depend on how much of a guessed key is right.
 */
export async function authenticateApiKey(rt: Runtime, token: string): Promise<KeyPrincipal | null> {
  if (!API_KEY_PATTERN.test(token)) return null;
  const row = await rt.pool.maybeOne(sql.type(principalRow)`
    select k.id, k.business_id, b.owner_id, coalesce(u.username, a.username) as username, coalesce(u.email, a.email) as email,
           coalesce(u.active, true) as active
      from api_keys k
      join businesses b on b.id = k.business_id
      left join users u on u.id = b.owner_id
      left join account_names a on a.user_id = b.owner_id
     where k.hash = ${hashApiKey(token)} and k.revoked_at is null`);
  if (!row || row.username === null || row.email === null) return null;
  // At most one write a minute per key: "last used" is for the merchant's list, not an audit trail.
  await rt.pool.query(sql.unsafe`
    update api_keys set last_used_at = now() where id = ${row.id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`);
  return { keyId: row.id, businessId: row.business_id, owner: { id: row.owner_id, username: row.username, email: row.email, active: row.active } };
}
