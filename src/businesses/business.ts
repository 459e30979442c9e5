// Business stream (`business-<id>`): profile, catalog and reply templates, and how events fold into them.
import type { Language, NoviEventOf, NoviEventData, Product } from '../events/catalog.ts';
import type { EventStore } from '../eventstore/types.ts';
import { foldStream, stateCacheOf, type StreamStateCache } from '../shared/stream-state-cache.ts';

export type BusinessEvent = NoviEventOf<'BusinessRegistered' | 'BusinessUpdated' | 'CatalogSet' | 'ReplyTemplatesSet' | 'BusinessSettingsSet' | 'ReviewSettingsSet' | 'ProductAliasLearned' | 'ProductAliasForgotten' | 'NotificationSettingsSet'>;

export const businessStreamId = (businessId: string): string => `business-${businessId}`;

export type BusinessProfile = NoviEventData<'BusinessRegistered'>;

/** How the business's number talks to customers; a business that never saved them has these. */
export type BusinessSettings = Omit<NoviEventData<'BusinessSettingsSet'>, 'businessId'>;
export const DEFAULT_BUSINESS_SETTINGS: BusinessSettings = { directOrders: true, replyMode: 'group', selfEditWindowMinutes: 30 };

export type BusinessState =
  | { kind: 'none' }
  | {
      kind: 'registered';
      profile: BusinessProfile;
      catalog: Product[];
      defaultLanguage: Language | null;
      templates: NoviEventData<'ReplyTemplatesSet'>['templates'];
      settings: BusinessSettings;
      /** Review queue (issue 11 §3); absent until set: DEFAULT_REVIEW_SETTINGS. */
      review?: ReviewSettings;
      /** Learned from the merchant's corrections (issue 11 §4), oldest first, one sku per alias. */
      learnedAliases?: LearnedAlias[];
      /** Absent until the merchant saves them: everything off. */
      notifications?: NotificationSettings;
    };

export interface ReviewSettings {
  autoAcceptThreshold: number;
  reviewMode: 'hold' | 'ask';
}
export interface LearnedAlias {
  alias: string;
  sku: string;
}
export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { autoAcceptThreshold: 0.9, reviewMode: 'hold' };

export type NotificationSettings = Omit<NoviEventData<'NotificationSettingsSet'>, 'businessId'>;
export const NOTIFICATIONS_OFF: NotificationSettings = { deliverySummary: false, adminAlerts: false, reviewQuestion: false };

export const initialBusinessState = (): BusinessState => ({ kind: 'none' });

export function evolveBusiness(state: BusinessState, event: BusinessEvent): BusinessState {
  switch (event.type) {
    case 'BusinessRegistered':
      return { kind: 'registered', profile: event.data, catalog: [], defaultLanguage: null, templates: [], settings: DEFAULT_BUSINESS_SETTINGS };
    case 'BusinessUpdated':
      return state.kind === 'registered' ? { ...state, profile: event.data } : state;
    case 'CatalogSet':
      return state.kind === 'registered' ? { ...state, catalog: event.data.products } : state;
    case 'ReplyTemplatesSet':
      return state.kind === 'registered'
        ? { ...state, defaultLanguage: event.data.defaultLanguage, templates: event.data.templates }
        : state;
    case 'BusinessSettingsSet': {
      const { businessId: _id, ...settings } = event.data;
      void _id;
      return state.kind === 'registered' ? { ...state, settings } : state;
    }
    case 'ReviewSettingsSet':
      return state.kind === 'registered' ? { ...state, review: { autoAcceptThreshold: event.data.autoAcceptThreshold, reviewMode: event.data.reviewMode } } : state;
    case 'ProductAliasLearned': {
      if (state.kind !== 'registered') return state;
      const rest = (state.learnedAliases ?? []).filter((a) => a.alias !== event.data.alias);
      return { ...state, learnedAliases: [...rest, { alias: event.data.alias, sku: event.data.sku }] };
    }
    case 'ProductAliasForgotten':
      return state.kind === 'registered' ? { ...state, learnedAliases: (state.learnedAliases ?? []).filter((a) => a.alias !== event.data.alias) } : state;
    case 'NotificationSettingsSet': {
      const { businessId: _id, ...settings } = event.data;
      return state.kind === 'registered' ? { ...state, notifications: settings } : state;
    }
    default: {
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}

/**
 * Business states by revision, shared by the web's business commands, the intake reactor and the
 * notifier of one process: a business stream (catalog saves of up to 256 KB each) is read whole
 * once, then only its new events.
 */
export const businessStateCache = (store: EventStore): StreamStateCache<BusinessState> => stateCacheOf<BusinessState>(store, 'business');

/** The business's current state, folding only what is new since this process last read it. */
export async function readBusiness(store: EventStore, businessId: string): Promise<BusinessState> {
  const id = businessStreamId(businessId);
  return (await foldStream<BusinessState, BusinessEvent>(store, id, initialBusinessState, evolveBusiness, businessStateCache(store))).state;
}
