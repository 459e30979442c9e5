// Business and group commands: their zod schemas and the pure decides over each stream's state.
import { z } from 'zod';
import { countryCode, currencyCode, e164, groupType, language, learnedAlias, MAX_RIDER_PHONES, MAX_SELF_EDIT_MINUTES, MIN_SELF_EDIT_MINUTES, memberRole, product, userRole, uuid, type GroupType } from '../events/catalog.ts';
import { MAX_LEARNED_ALIASES } from './aliases.ts';
import type { Command } from '../shared/command-handler.ts';
import { Conflict, NotFound, ValidationError } from '../shared/errors.ts';
import { sameData } from '../shared/equal.ts';
import type { BusinessEvent, BusinessProfile, BusinessState } from './business.ts';
import type { GroupEvent, GroupState } from './group.ts';

/** Who asks: owners manage their own businesses, admins any; `memberRole`: their role in it (memberships, sql/019). */
const requestedBy = z.object({ userId: z.string().min(1), role: userRole, memberRole: memberRole.optional() });
export type RequestedBy = z.infer<typeof requestedBy>;

/** Currency a merchant most likely sells in, when the form names only the country. */
export const DEFAULT_CURRENCY_BY_COUNTRY: Readonly<Record<string, string>> = {
  NG: 'NGN', GH: 'GHS', KE: 'KES', ZA: 'ZAR', UG: 'UGX', TZ: 'TZS', RW: 'RWF', EG: 'EGP', MA: 'MAD', SN: 'XOF', CI: 'XOF', CM: 'XAF',
  IN: 'INR', PK: 'PKR', BD: 'BDT', ID: 'IDR', PH: 'PHP', BR: 'BRL', MX: 'MXN', AR: 'ARS', CO: 'COP', CL: 'CLP', PE: 'PEN',
  US: 'USD', GB: 'GBP', CA: 'CAD', AU: 'AUD', ES: 'EUR', PT: 'EUR', FR: 'EUR', DE: 'EUR', IT: 'EUR', IE: 'EUR', NL: 'EUR',
};

/** Bounds of one catalog save (docs/http-api.md): it is one event, read by every business command. */
export const CATALOG_LIMITS = { products: 2000, aliases: 20, aliasLength: 100, bytes: 256 * 1024 } as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

const profileFields = {
  name: z.string().trim().min(1).max(120),
  description: optionalText(2000),
  address: optionalText(500),
  phone: e164.nullable().optional(),
  email: z.string().trim().toLowerCase().email().nullable().optional(),
  country: countryCode,
  /** Defaults from the country (DEFAULT_CURRENCY_BY_COUNTRY). */
  currency: currencyCode.optional(),
};

const groupFields = {
  name: z.string().trim().min(1).max(120),
  description: optionalText(2000),
  groupType,
  whatsappId: z.string().trim().min(1).nullable().optional(),
  /** Delivery groups: the riders' numbers (E.164, normalised by the caller), each once. */
  riderPhones: z.array(e164).max(MAX_RIDER_PHONES).optional(),
};

/** Looked up by the caller: the chat id is unique across all groups, or messages would have two homes. */
const whatsappIdLinkedTo = z.string().nullable();

export const businessCommandSchemas = {
  RegisterBusiness: z.object({ businessId: uuid, ownerId: uuid, ...profileFields }),
  /** Fields left out keep their value; null clears an optional one. */
  UpdateBusiness: z.object({ businessId: uuid, requestedBy, ...profileFields, name: profileFields.name.optional(), country: countryCode.optional() }),
  SetCatalog: z.object({
    businessId: uuid,
    requestedBy,
    products: z
      .array(product.extend({ aliases: z.array(z.string().trim().min(1).max(CATALOG_LIMITS.aliasLength)).max(CATALOG_LIMITS.aliases).default([]) }))
      .max(CATALOG_LIMITS.products, `at most ${CATALOG_LIMITS.products} products`)
      .superRefine((products, ctx) => {
        // Every save is one CatalogSet event that every later read of the business stream carries.
        const bytes = new TextEncoder().encode(JSON.stringify(products)).length;
        if (bytes > CATALOG_LIMITS.bytes) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `the catalog is ${Math.ceil(bytes / 1024)} KB; at most ${CATALOG_LIMITS.bytes / 1024} KB` });
        }
      }),
  }),
  SetReplyTemplates: z.object({
    businessId: uuid,
    requestedBy,
    defaultLanguage: language.nullable(),
    templates: z.array(z.object({ language, key: z.string().regex(/^[a-z][a-z0-9_.]*$/), text: z.string().trim().min(1).max(1000) })),
  }),
  /** Direct chats, where replies go, and the customers' self-edit window; fields left out keep their value. */
  SetBusinessSettings: z.object({
    businessId: uuid,
    requestedBy,
    directOrders: z.boolean().optional(),
    replyMode: z.enum(['group', 'private']).optional(),
    selfEditWindowMinutes: z.coerce.number().int().min(MIN_SELF_EDIT_MINUTES).max(MAX_SELF_EDIT_MINUTES).optional(),
  }),
  SetReviewSettings: z.object({ businessId: uuid, requestedBy, autoAcceptThreshold: z.number().min(0.5).max(1), reviewMode: z.enum(['hold', 'ask']) }),
  /** Aliases already normalised (aliases.ts); a sku must be in the catalog. */
  LearnAliases: z.object({ businessId: uuid, requestedBy, aliases: z.array(z.object({ alias: learnedAlias, sku: z.string().trim().min(1).max(64) })).max(500) }),
  ForgetAlias: z.object({ businessId: uuid, requestedBy, alias: learnedAlias }),
  SetNotificationSettings: z.object({ businessId: uuid, requestedBy, deliverySummary: z.boolean(), adminAlerts: z.boolean(), reviewQuestion: z.boolean() }),
} as const;

export const groupCommandSchemas = {
  LinkGroup: z.object({
    groupId: uuid,
    businessId: uuid,
    requestedBy,
    /** Owner of businessId from a lookup; null when the business does not exist. */
    businessOwnerId: z.string().nullable(),
    whatsappIdLinkedTo,
    ...groupFields,
  }),
  UpdateGroup: z.object({
    groupId: uuid,
    businessId: uuid,
    requestedBy,
    businessOwnerId: z.string().nullable(),
    whatsappIdLinkedTo,
    name: groupFields.name.optional(),
    description: groupFields.description,
    groupType: groupType.optional(),
    whatsappId: groupFields.whatsappId,
    riderPhones: groupFields.riderPhones,
  }),
  UnlinkGroup: z.object({ groupId: uuid, businessId: uuid, requestedBy, businessOwnerId: z.string().nullable() }),
} as const;

type BData<K extends keyof typeof businessCommandSchemas> = z.output<(typeof businessCommandSchemas)[K]>;
type GData<K extends keyof typeof groupCommandSchemas> = z.output<(typeof groupCommandSchemas)[K]>;
export type RegisterBusiness = Command<'RegisterBusiness', BData<'RegisterBusiness'>>;
export type UpdateBusiness = Command<'UpdateBusiness', BData<'UpdateBusiness'>>;
export type SetCatalog = Command<'SetCatalog', BData<'SetCatalog'>>;
export type SetReplyTemplates = Command<'SetReplyTemplates', BData<'SetReplyTemplates'>>;
export type SetBusinessSettings = Command<'SetBusinessSettings', BData<'SetBusinessSettings'>>;
export type SetReviewSettings = Command<'SetReviewSettings', BData<'SetReviewSettings'>>;
export type LearnAliases = Command<'LearnAliases', BData<'LearnAliases'>>;
export type ForgetAlias = Command<'ForgetAlias', BData<'ForgetAlias'>>;
export type SetNotificationSettings = Command<'SetNotificationSettings', BData<'SetNotificationSettings'>>;
export type BusinessCommand = RegisterBusiness | UpdateBusiness | SetCatalog | SetReplyTemplates | SetBusinessSettings | SetReviewSettings | LearnAliases | ForgetAlias | SetNotificationSettings;
export type LinkGroup = Command<'LinkGroup', GData<'LinkGroup'>>;
export type UpdateGroup = Command<'UpdateGroup', GData<'UpdateGroup'>>;
export type UnlinkGroup = Command<'UnlinkGroup', GData<'UnlinkGroup'>>;
export type GroupCommand = LinkGroup | UpdateGroup | UnlinkGroup;

function currencyFor(country: string, currency: string | undefined): string {
  const resolved = currency ?? DEFAULT_CURRENCY_BY_COUNTRY[country];
  if (!resolved) throw new ValidationError(`currency is required: no default currency is known for country ${country}`, [{ path: 'currency', message: 'Required' }]);
  return resolved;
}

/** Another tenant's business answers like a missing one (404). */
function ownedBusiness(state: BusinessState, businessId: string, by: RequestedBy): Extract<BusinessState, { kind: 'registered' }> {
  if (state.kind !== 'registered' || state.profile.businessId !== businessId) throw new NotFound(`Business ${businessId} not found`);
  if (by.role !== 'admin' && state.profile.ownerId !== by.userId && by.memberRole !== 'owner') throw new NotFound(`Business ${businessId} not found`);
  return state;
}

const keep = <T>(next: T | undefined, current: T): T => (next === undefined ? current : next);

export function decideBusiness(command: BusinessCommand, state: BusinessState): BusinessEvent[] {
  switch (command.type) {
    case 'RegisterBusiness': {
      const d = command.data;
      if (state.kind !== 'none') throw new Conflict(`Business ${d.businessId} already exists`);
      const profile: BusinessProfile = {
        businessId: d.businessId,
        ownerId: d.ownerId,
        name: d.name,
        description: d.description ?? null,
        address: d.address ?? null,
        phone: d.phone ?? null,
        email: d.email ?? null,
        country: d.country,
        currency: currencyFor(d.country, d.currency),
      };
      return [{ type: 'BusinessRegistered', data: profile }];
    }
    case 'UpdateBusiness': {
      const d = command.data;
      const { profile } = ownedBusiness(state, d.businessId, d.requestedBy);
      const country = keep(d.country, profile.country);
      // A new country without a currency moves the currency along only if it still had the old country's default.
      const currency =
        d.currency ??
        (d.country !== undefined && d.country !== profile.country && profile.currency === DEFAULT_CURRENCY_BY_COUNTRY[profile.country]
          ? currencyFor(country, undefined)
          : profile.currency);
      const next: BusinessProfile = {
        ...profile,
        name: keep(d.name, profile.name),
        description: keep(d.description, profile.description),
        address: keep(d.address, profile.address),
        phone: keep(d.phone, profile.phone),
        email: keep(d.email, profile.email),
        country,
        currency,
      };
      if (sameData(next, profile)) return [];
      return [{ type: 'BusinessUpdated', data: next }];
    }
    case 'SetCatalog': {
      const d = command.data;
      ownedBusiness(state, d.businessId, d.requestedBy);
      const seen = new Set<string>();
      const duplicates = new Set<string>();
      for (const p of d.products) {
        // Case-insensitive: the parser matches skus typed by people, "jr" and "JR" are the same product.
        const key = p.sku.toUpperCase();
        if (seen.has(key)) duplicates.add(p.sku);
        seen.add(key);
      }
      if (duplicates.size > 0) {
        throw new ValidationError(`Duplicate sku in catalog: ${[...duplicates].join(', ')}`, [...duplicates].map((sku) => ({ path: 'products', message: `duplicate sku ${sku}` })));
      }
      return [{ type: 'CatalogSet', data: { businessId: d.businessId, products: d.products } }];
    }
    case 'SetReplyTemplates': {
      const d = command.data;
      ownedBusiness(state, d.businessId, d.requestedBy);
      const keys = new Set<string>();
      for (const t of d.templates) {
        const key = `${t.language}:${t.key}`;
        if (keys.has(key)) throw new ValidationError(`Two templates for ${t.key} in ${t.language}`);
        keys.add(key);
      }
      return [{ type: 'ReplyTemplatesSet', data: { businessId: d.businessId, defaultLanguage: d.defaultLanguage, templates: d.templates } }];
    }
    case 'SetBusinessSettings': {
      const d = command.data;
      const { settings } = ownedBusiness(state, d.businessId, d.requestedBy);
      const next = {
        directOrders: keep(d.directOrders, settings.directOrders),
        replyMode: keep(d.replyMode, settings.replyMode),
        selfEditWindowMinutes: keep(d.selfEditWindowMinutes, settings.selfEditWindowMinutes),
      };
      if (sameData(next, settings)) return [];
      return [{ type: 'BusinessSettingsSet', data: { businessId: d.businessId, ...next } }];
    }
    case 'SetReviewSettings': {
      const d = command.data;
      const b = ownedBusiness(state, d.businessId, d.requestedBy);
      if (b.review && b.review.autoAcceptThreshold === d.autoAcceptThreshold && b.review.reviewMode === d.reviewMode) return [];
      return [{ type: 'ReviewSettingsSet', data: { businessId: d.businessId, autoAcceptThreshold: d.autoAcceptThreshold, reviewMode: d.reviewMode } }];
    }
    case 'LearnAliases': {
      const d = command.data;
      const b = ownedBusiness(state, d.businessId, d.requestedBy);
      const skus = new Set(b.catalog.map((p) => p.sku.toUpperCase()));
      const known = new Map((b.learnedAliases ?? []).map((a) => [a.alias, a.sku]));
      const events: BusinessEvent[] = [];
      let kept = [...known.keys()];
      for (const a of d.aliases) {
        if (!skus.has(a.sku.toUpperCase())) throw new ValidationError(`sku ${a.sku} is not in the catalog`, [{ path: 'sku', message: 'not in the catalog' }]);
        if (known.get(a.alias) === a.sku) continue;
        if (!known.has(a.alias) && kept.length >= MAX_LEARNED_ALIASES) {
          // Bounded: the oldest lesson makes room for the newest.
          const [oldest, ...rest] = kept;
          kept = rest;
          if (oldest !== undefined) {
            known.delete(oldest);
            events.push({ type: 'ProductAliasForgotten', data: { businessId: d.businessId, alias: oldest } });
          }
        }
        known.set(a.alias, a.sku);
        kept = [...kept.filter((k) => k !== a.alias), a.alias];
        events.push({ type: 'ProductAliasLearned', data: { businessId: d.businessId, alias: a.alias, sku: a.sku } });
      }
      return events;
    }
    case 'ForgetAlias': {
      const d = command.data;
      const b = ownedBusiness(state, d.businessId, d.requestedBy);
      if (!(b.learnedAliases ?? []).some((a) => a.alias === d.alias)) throw new NotFound(`No learned alias "${d.alias}"`);
      return [{ type: 'ProductAliasForgotten', data: { businessId: d.businessId, alias: d.alias } }];
    }
    case 'SetNotificationSettings': {
      const d = command.data;
      const s = ownedBusiness(state, d.businessId, d.requestedBy);
      const next = { deliverySummary: d.deliverySummary, adminAlerts: d.adminAlerts, reviewQuestion: d.reviewQuestion };
      if (s.notifications && sameData(next, s.notifications)) return [];
      return [{ type: 'NotificationSettingsSet', data: { businessId: d.businessId, ...next } }];
    }
    default: {
      const unhandled: never = command;
      throw new ValidationError(`Unknown business command ${(unhandled as { type: string }).type}`);
    }
  }
}

function checkGroupAccess(d: { businessId: string; businessOwnerId: string | null; requestedBy: RequestedBy }): void {
  if (d.businessOwnerId === null) throw new NotFound(`Business ${d.businessId} not found`);
  if (d.requestedBy.role !== 'admin' && d.businessOwnerId !== d.requestedBy.userId && d.requestedBy.memberRole !== 'owner') throw new NotFound(`Business ${d.businessId} not found`);
}

/**
 * Riders belong to delivery groups: listing them elsewhere is refused, and a group retyped away
 * from delivery drops its list. Duplicates are folded.
 */
function ridersFor(type: GroupType, given: readonly string[] | undefined, current: readonly string[]): string[] {
  if (type !== 'delivery') {
    if (given !== undefined && given.length > 0) {
      throw new ValidationError("rider phones can only be listed for a delivery group", [{ path: 'riderPhones', message: 'only for delivery groups' }]);
    }
    return [];
  }
  return [...new Set(given ?? current)];
}

/** An empty list is left out of the event: absent means no riders listed, as in events before riders existed. */
const riders = (list: string[]): { riderPhones?: string[] } => (list.length > 0 ? { riderPhones: list } : {});

function checkWhatsappId(groupId: string, whatsappId: string | null, linkedTo: string | null): void {
  if (whatsappId !== null && linkedTo !== null && linkedTo !== groupId) {
    throw new Conflict(`WhatsApp chat ${whatsappId} is already linked to another group`);
  }
}

export function decideGroup(command: GroupCommand, state: GroupState): GroupEvent[] {
  switch (command.type) {
    case 'LinkGroup': {
      const d = command.data;
      checkGroupAccess(d);
      if (state.kind !== 'none') throw new Conflict(`Group ${d.groupId} is already linked`);
      const whatsappId = d.whatsappId ?? null;
      checkWhatsappId(d.groupId, whatsappId, d.whatsappIdLinkedTo);
      return [
        {
          type: 'GroupLinked',
          data: {
            groupId: d.groupId, businessId: d.businessId, name: d.name, description: d.description ?? null, groupType: d.groupType, whatsappId,
            ...riders(ridersFor(d.groupType, d.riderPhones, [])),
          },
        },
      ];
    }
    case 'UpdateGroup': {
      const d = command.data;
      checkGroupAccess(d);
      if (state.kind !== 'linked' || state.groupId !== d.groupId || state.businessId !== d.businessId) {
        throw new NotFound(`Group ${d.groupId} not found`);
      }
      const type = keep(d.groupType, state.groupType);
      const next = {
        groupId: state.groupId,
        businessId: state.businessId,
        name: keep(d.name, state.name),
        description: keep(d.description, state.description),
        groupType: type,
        whatsappId: keep(d.whatsappId, state.whatsappId),
        ...riders(ridersFor(type, d.riderPhones, state.riderPhones ?? [])),
      };
      checkWhatsappId(d.groupId, next.whatsappId, d.whatsappIdLinkedTo);
      const { kind: _kind, riderPhones: currentRiders, ...rest } = state;
      if (sameData(next, { ...rest, ...riders(currentRiders ?? []) })) return [];
      return [{ type: 'GroupUpdated', data: next }];
    }
    case 'UnlinkGroup': {
      const d = command.data;
      checkGroupAccess(d);
      // An unlinked group is gone for the merchant: unlinking it again finds nothing.
      if (state.kind !== 'linked' || state.groupId !== d.groupId || state.businessId !== d.businessId) {
        throw new NotFound(`Group ${d.groupId} not found`);
      }
      return [{ type: 'GroupUnlinked', data: { groupId: d.groupId, businessId: d.businessId, by: d.requestedBy.userId } }];
    }
    default: {
      const unhandled: never = command;
      throw new ValidationError(`Unknown group command ${(unhandled as { type: string }).type}`);
    }
  }
}
