// Actors with a meaning beyond the audit trail.

/**
 * Events `novi reparse` records carry this actor: reactors that talk to customers (the notifier)
 * skip them, so replaying months-old messages never sends a WhatsApp message.
 */
export const REPARSE_ACTOR = 'reparse';
