// The write side of integrations as the event log sees it: an API key (`apikey-<id>`) is created
// once and revoked once; a webhook (`webhook-<id>`) is added once and removed once. The key, its
// hash and the webhook's secret are never part of these events (sql/021 keeps them).
import { z } from 'zod';
import { uuid, type NoviEventOf } from '../events/catalog.ts';
import type { Command } from '../shared/command-handler.ts';
import { IllegalState } from '../shared/errors.ts';

export const apiKeyStreamId = (keyId: string): string => `apikey-${keyId}`;
export const webhookStreamId = (webhookId: string): string => `webhook-${webhookId}`;

/** What a webhook may subscribe to (docs/http-api.md, "API keys and webhooks"). */
export const WEBHOOK_EVENTS = ['order.created', 'order.updated', 'order.status_changed', 'message.received'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export type ApiKeyEvent = NoviEventOf<'ApiKeyCreated' | 'ApiKeyRevoked'>;
export type ApiKeyState = { kind: 'none' } | { kind: 'active' | 'revoked'; keyId: string; businessId: string; name: string };
export const initialApiKeyState = (): ApiKeyState => ({ kind: 'none' });

export function evolveApiKey(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  switch (event.type) {
    case 'ApiKeyCreated':
      return { kind: 'active', keyId: event.data.keyId, businessId: event.data.businessId, name: event.data.name };
    case 'ApiKeyRevoked':
      return state.kind === 'none' ? state : { ...state, kind: 'revoked' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

const keyName = z.string().trim().min(1, 'give the key a name').max(100);

export const integrationCommandSchemas = {
  CreateApiKey: z.object({ keyId: uuid, businessId: uuid, name: keyName }),
  RevokeApiKey: z.object({ keyId: uuid, businessId: uuid }),
  AddWebhook: z.object({ webhookId: uuid, businessId: uuid, url: z.string().url().max(2048), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length) }),
  RemoveWebhook: z.object({ webhookId: uuid, businessId: uuid }),
};

export type ApiKeyCommand =
  | Command<'CreateApiKey', z.output<typeof integrationCommandSchemas.CreateApiKey>>
  | Command<'RevokeApiKey', z.output<typeof integrationCommandSchemas.RevokeApiKey>>;

export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey': {
      if (state.kind !== 'none') throw new IllegalState(`API key ${command.data.keyId} exists already`);
      return [{ type: 'ApiKeyCreated', data: { ...command.data } }];
    }
    case 'RevokeApiKey': {
      // Revoking twice is one revocation (a retry after the row was already marked revoked).
      if (state.kind !== 'active' || state.businessId !== command.data.businessId) return [];
      return [{ type: 'ApiKeyRevoked', data: { keyId: state.keyId, businessId: state.businessId, name: state.name } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export type WebhookEvent = NoviEventOf<'WebhookAdded' | 'WebhookRemoved'>;
export type WebhookState = { kind: 'none' } | { kind: 'added' | 'removed'; webhookId: string; businessId: string };
export const initialWebhookState = (): WebhookState => ({ kind: 'none' });

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  switch (event.type) {
    case 'WebhookAdded':
      return { kind: 'added', webhookId: event.data.webhookId, businessId: event.data.businessId };
    case 'WebhookRemoved':
      return state.kind === 'none' ? state : { ...state, kind: 'removed' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** Receivers often put a token in the query string: the event log keeps scheme, host and path only. */
export function withoutQuery(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export type WebhookCommand =
  | Command<'AddWebhook', z.output<typeof integrationCommandSchemas.AddWebhook>>
  | Command<'RemoveWebhook', z.output<typeof integrationCommandSchemas.RemoveWebhook>>;

export function decideWebhook(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  switch (command.type) {
    case 'AddWebhook': {
      if (state.kind !== 'none') throw new IllegalState(`Webhook ${command.data.webhookId} exists already`);
      return [{ type: 'WebhookAdded', data: { ...command.data, url: withoutQuery(command.data.url), events: [...command.data.events] } }];
    }
    case 'RemoveWebhook': {
      if (state.kind !== 'added' || state.businessId !== command.data.businessId) return [];
      return [{ type: 'WebhookRemoved', data: { webhookId: state.webhookId, businessId: state.businessId } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}
