// The slonik pool: every query goes through `sql` with a zod row type, checked by the interceptor below.
import {
  createPool,
  createTypeParserPreset,
  SchemaValidationError,
  type DatabasePool,
  type Interceptor,
  type QueryResultRow,
} from 'slonik';

export type { DatabasePool };

// slonik's documented result parser: rows of `sql.type(schema)` queries are validated (and transformed) by zod.
const resultParser: Interceptor = {
  name: 'zod-result-parser',
  transformRowAsync: async (executionContext, actualQuery, row) => {
    const { resultParser: parser } = executionContext;
    if (!parser) return row;
    const validation = await parser.safeParseAsync(row);
    if (!validation.success) {
      throw new SchemaValidationError(actualQuery, row, validation.error.issues);
    }
    return validation.data as QueryResultRow;
  },
};

export async function createDbPool(url: string, options: { maximumPoolSize?: number } = {}): Promise<DatabasePool> {
  return createPool(url, {
    interceptors: [resultParser],
    maximumPoolSize: options.maximumPoolSize ?? 10,
    // Keep timestamps as Date, bigint counts as numbers only where safe (handled per query with zod).
    typeParsers: createTypeParserPreset().filter((p) => p.name !== 'int8'),
  });
}
