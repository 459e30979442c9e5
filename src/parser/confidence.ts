// How sure the parser is of an order, from the concrete doubts it met while reading it (docs/parser-quality.md).
// Pure: the doubts are counted by the parser, the weights were calibrated on the blind batches fixed against.

/** What could be wrong with a parsed order, counted while parsing it. */
export interface OrderDoubts {
  items: number;
  /** Items not matched to the business catalog although the business has one. */
  unmatched: number;
  /** Items matched only loosely (leading words, a word of the name, a typo). */
  loose: number;
  /** Items whose count was not written (1 assumed). */
  uncounted: number;
  /** Free-text items (no catalog to check them against). */
  freeText: number;
  /** Free-text items read from prose rather than a list line: their names' boundaries are guesses. */
  proseFree: number;
  /** Segments with words that no role took. */
  unparsed: number;
  /** A written total that disagrees with the priced items. */
  totalConflict: boolean;
  /** A written total that agrees with the priced items. */
  totalAgrees: boolean;
  question: boolean;
  /** Items found without a count, a price, a request verb or a list around them. */
  weak: number;
  noAddress: boolean;
  /** Lines in the message (a long message has more places to go wrong). */
  lines: number;
  /** Free-text items whose name still holds a bare number (a count or price the grammar did not place). */
  numberInName?: number;
  /** The customer's name was guessed from an unlabelled closing sentence and differs from the sender's name. */
  guessedName?: boolean;
}

/** Weights: each doubt takes this much from the start value; calibrated so that >= 0.9 means >= 97% exact. */
const START = 0.99;
const W = {
  unmatched: 0.2,
  loose: 0.05,
  uncounted: 0.04,
  freeText: 0.02,
  proseFree: 0.03,
  unparsed: 0.1,
  totalConflict: 0.2,
  totalAgrees: -0.03,
  question: 0.02,
  weak: 0.1,
  noAddress: 0.03,
  longLines: 0.01,
  numberInName: 0.1,
  guessedName: 0.1,
} as const;

export function orderConfidence(d: OrderDoubts): number {
  let c = START;
  c -= W.unmatched * d.unmatched;
  c -= W.loose * d.loose;
  c -= W.uncounted * d.uncounted;
  c -= W.freeText * Math.min(d.freeText, 4);
  c -= W.proseFree * d.proseFree;
  c -= W.unparsed * d.unparsed;
  if (d.totalConflict) c -= W.totalConflict;
  if (d.totalAgrees) c -= W.totalAgrees;
  if (d.question) c -= W.question;
  c -= W.weak * d.weak;
  if (d.noAddress) c -= W.noAddress;
  c -= W.longLines * Math.max(0, d.lines - 10);
  c -= W.numberInName * (d.numberInName ?? 0);
  if (d.guessedName) c -= W.guessedName;
  return Math.round(Math.min(0.99, Math.max(0.05, c)) * 100) / 100;
}
