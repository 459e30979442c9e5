// The typed error tree that every layer throws and the web layer maps to HTTP.
import type { ZodError } from 'zod';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code: string = 'VALIDATION_ERROR';
  readonly httpStatus: number = 400;
  constructor(
    message: string,
    /** Field path → problem, for forms that show errors next to inputs. */
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static fromZod(error: ZodError, what = 'input'): ValidationError {
    const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return new ValidationError(`Invalid ${what}: ${summary}`, issues, { cause: error });
  }
}

export class NotFound extends DomainError {
  readonly code: string = 'NOT_FOUND';
  readonly httpStatus: number = 404;
}

export class Forbidden extends DomainError {
  readonly code: string = 'FORBIDDEN';
  readonly httpStatus: number = 403;
}

/** The command is well-formed but the aggregate's current state does not allow it. */
export class IllegalState extends DomainError {
  readonly code: string = 'ILLEGAL_STATE';
  readonly httpStatus: number = 409;
}

export class IllegalStatusTransition extends IllegalState {
  override readonly code: string = 'ILLEGAL_STATUS_TRANSITION';
  constructor(
    readonly from: string,
    readonly to: string,
    message: string,
  ) {
    super(message);
  }
}

/** Something with the same identity already exists (a username, an order number, a linked chat). */
export class Conflict extends DomainError {
  readonly code: string = 'CONFLICT';
  readonly httpStatus: number = 409;
}

/** The caller's expected revision (ETag / If-Match) is behind the stream. */
export class StaleWrite extends DomainError {
  readonly code: string = 'STALE_WRITE';
  readonly httpStatus: number = 412;
  constructor(
    readonly streamId: string,
    readonly expected: string,
    /** The stream's actual revision, or null when the stream does not exist. */
    readonly actualRevision: bigint | null,
    options?: { cause?: unknown },
  ) {
    super(
      `${streamId} was changed by someone else (expected revision ${expected}, actual ${actualRevision === null ? 'none' : String(actualRevision)})`,
      options,
    );
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export interface ErrorProblem {
  status: number;
  body: { error: true; message: string; code: string };
}

/**
 * The JSON shape of docs/http-api.md. Anything that is not a DomainError is a 500 whose
 * message never leaks internals (stack, SQL).
 */
export function toProblem(error: unknown): ErrorProblem {
  if (isDomainError(error)) {
    return { status: error.httpStatus, body: { error: true, message: error.message, code: error.code } };
  }
  return { status: 500, body: { error: true, message: 'Internal server error', code: 'INTERNAL_ERROR' } };
}
