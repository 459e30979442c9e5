// What every projection is made of: the events it handles, the tables it owns, and a batch apply.
import { sql, type CommonQueryMethods, type IdentifierSqlToken, type SerializableValue } from 'slonik';
import { z } from 'zod';
import type { EventMetadata } from '../src/eventstore/types.ts';
import type { NoviEvent, NoviEventType } from '../src/events/catalog.ts';

/** A stored event that passed validateEvent, with where it sits in the store. */
export type ProjectedEvent = NoviEvent & {
  id: string;
  streamId: string;
  revision: bigint;
  position: bigint;
  metadata: EventMetadata;
  recordedAt: Date;
};

/** One NOTIFY novi_updates payload: an entity the web layer should refresh. */
export interface Touched {
  type: 'order' | 'session' | 'message' | 'business' | 'metrics';
  businessId: string;
  orderId?: string;
  event: string;
}

export interface ProjectionContext {
  /** The batch's transaction. */
  tx: CommonQueryMethods;
  /** The physical table for a logical one: the live table, or its `_rebuild` copy during a rebuild. */
  t: (table: string) => IdentifierSqlToken;
  touch: (t: Touched) => void;
}

export interface Projection {
  name: string;
  eventTypes: readonly NoviEventType[];
  /** Tables it alone writes; a rebuild recreates exactly these. */
  tables: readonly string[];
  /** Applies a batch in position order; runs inside the batch's transaction. */
  apply: (ctx: ProjectionContext, events: readonly ProjectedEvent[]) => Promise<void>;
}

/** Row type of statements that return nothing worth reading (writes). */
export const anyRow = z.object({}).passthrough();
export const write = sql.type(anyRow);

/** Events of the given types, narrowed. */
export function ofType<T extends NoviEventType>(events: readonly ProjectedEvent[], ...types: T[]): Array<Extract<ProjectedEvent, { type: T }>> {
  return events.filter((e): e is Extract<ProjectedEvent, { type: T }> => (types as string[]).includes(e.type));
}

/** IANA zone per country for per-day / per-hour aggregates; a country not listed counts in UTC. */
const COUNTRY_TZ: Record<string, string> = {
  NG: 'Africa/Lagos', GH: 'Africa/Accra', KE: 'Africa/Nairobi', ZA: 'Africa/Johannesburg', EG: 'Africa/Cairo',
  MA: 'Africa/Casablanca', SN: 'Africa/Dakar', CI: 'Africa/Abidjan', CM: 'Africa/Douala', UG: 'Africa/Kampala',
  TZ: 'Africa/Dar_es_Salaam', RW: 'Africa/Kigali', ET: 'Africa/Addis_Ababa', AO: 'Africa/Luanda', MZ: 'Africa/Maputo',
  BR: 'America/Sao_Paulo', MX: 'America/Mexico_City', AR: 'America/Argentina/Buenos_Aires', CO: 'America/Bogota',
  PE: 'America/Lima', CL: 'America/Santiago', VE: 'America/Caracas', EC: 'America/Guayaquil', US: 'America/New_York',
  CA: 'America/Toronto', ES: 'Europe/Madrid', PT: 'Europe/Lisbon', GB: 'Europe/London', FR: 'Europe/Paris',
  DE: 'Europe/Berlin', IT: 'Europe/Rome', IN: 'Asia/Kolkata', PK: 'Asia/Karachi', BD: 'Asia/Dhaka', ID: 'Asia/Jakarta',
  PH: 'Asia/Manila', MY: 'Asia/Kuala_Lumpur', AE: 'Asia/Dubai', SA: 'Asia/Riyadh', TR: 'Europe/Istanbul',
};

export function timezoneForCountry(country: string): string {
  return COUNTRY_TZ[country] ?? 'UTC';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local calendar day (YYYY-MM-DD) and hour (0–23) of an instant in a zone. */
export function localDayHour(at: string | Date, timezone: string): { day: string; hour: number } {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  const parts = f.formatToParts(typeof at === 'string' ? new Date(at) : at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) % 24 };
}

/** Exact money arithmetic on two decimals (amounts are stored as numeric(14,2)). */
export const cents = (amount: number | null | undefined): number => Math.round((amount ?? 0) * 100);
export const fromCents = (c: number): string => (c / 100).toFixed(2);

/** Rows for `jsonb_to_recordset`: plain objects of JSON values (interfaces lack the index signature slonik asks for). */
export const jsonRows = (rows: readonly object[]) => sql.jsonb(rows as unknown as SerializableValue);
