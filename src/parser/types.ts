// Wire types of the parse contract (docs/parser-spec.md): one input line in, one result line out.

export interface CatalogProduct {
  sku: string;
  name: string;
  price?: number | null;
  aliases?: string[];
}

export interface ParseInput {
  id?: string | number | null;
  text: string;
  sender?: { name?: string | null; phone?: string | null } | null;
  business?: {
    country?: string | null;
    currency?: string | null;
    catalog?: CatalogProduct[] | null;
  } | null;
}

export type Intent = 'order' | 'status' | 'other';
export type OrderStatus = 'confirmed' | 'processing' | 'out_for_delivery' | 'delivered' | 'cancelled';
export type MissingField = 'address' | 'phone' | 'items';

export interface ParsedItem {
  name: string;
  sku: string | null;
  quantity: number;
  unitPrice: number | null;
}

export interface ParseResult {
  id: string | number | null;
  intent: Intent;
  customer: { name: string | null; phone: string | null };
  address: string | null;
  items: ParsedItem[];
  total: number | null;
  currency: string | null;
  notes: string | null;
  status: OrderStatus | null;
  orderRef: string | null;
  confidence: number;
  missing: MissingField[];
}

/** A field of a parsed order the parser was unsure of (the review queue highlights it). */
export interface FieldDoubt {
  field: 'item' | 'quantity' | 'address' | 'total';
  /** The item's line (0-based) for item and quantity doubts. */
  line: number | null;
  reason: 'unmatched' | 'loose' | 'uncounted' | 'prose' | 'weak' | 'no_address' | 'total_conflict';
}
export const MAX_FIELD_DOUBTS = 20;

/** A parse result with its per-field doubts and the customer's words per item (intake; not part of the wire contract). */
export interface ExplainedResult extends ParseResult {
  doubts: FieldDoubt[];
  itemTexts: string[];
}
