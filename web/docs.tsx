// The OpenAPI 3 document of the JSON API, built at start-up from the routes Fastify registered
// (every method and path, collected by an onRoute hook, so a new route appears by itself) and the
// zod schemas those routes parse their input with (zod-to-json-schema). Served at /docs/openapi.json,
// with a plain HTML listing at /docs (no UI bundle, no CDN).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { sendHtml } from './lib/http.ts';
import { Layout } from './views/layout.tsx';
import { analyticsQuery } from './lib/queries.ts';
import { customerFilters } from './lib/customers.ts';
import { listQuery, putBody, exportBody } from './routes/orders.tsx';
import { businessFields, catalogBody, groupBody, ridersBody } from './routes/business.tsx';
import { detailQuery, noteBody } from './routes/customers.tsx';
import { loginBody, registerBody } from './routes/auth.tsx';
import { dashQuery } from './routes/dashboard.tsx';
import { simulatorBody, transportBody } from './routes/whatsapp.tsx';
import { apiKeyBody, deliveriesQuery, webhookBody } from './routes/integrations.tsx';

interface Described {
  summary: string;
  query?: z.ZodTypeAny;
  body?: z.ZodTypeAny;
  /** Needs a signed-in session (an API key is refused). */
  sessionOnly?: boolean;
  /** Open without signing in. */
  public?: boolean;
}

/** What each JSON route takes, keyed `METHOD /path` as registered; routes not listed still appear. */
const DESCRIBED: Record<string, Described> = {
  'POST /auth/register': { summary: 'Create an account (signs in)', body: registerBody, public: true, sessionOnly: true },
  'POST /auth/login': { summary: 'Sign in', body: loginBody, public: true, sessionOnly: true },
  'POST /auth/logout': { summary: 'Sign out', sessionOnly: true },
  'GET /dashboard': { summary: 'KPIs, recent orders and charts', query: dashQuery },
  'GET /api/dashboard/analytics': { summary: 'Charts and figures over a date range (at most 366 days)', query: analyticsQuery },
  'GET /orders': { summary: 'List orders', query: listQuery },
  'GET /orders/:id': { summary: 'One order with its items and history (ETag: its revision)' },
  'PUT /orders/:id': { summary: 'Change status, items or customer (If-Match for a revision)', body: putBody },
  'POST /orders/:id/undo': { summary: "Undo the order's latest status change (within 24 h)" },
  'POST /orders/export': { summary: 'Export orders as CSV or XLSX', body: exportBody },
  'GET /customers': { summary: 'List customers (search by name or phone)', query: customerFilters },
  'GET /customers/:key': { summary: 'One customer with orders and totals', query: detailQuery },
  'POST /customers/:key/note': { summary: "Set the merchant's note on a customer", body: noteBody },
  'GET /business': { summary: 'List businesses (with an API key: its business)' },
  'POST /business': { summary: 'Create a business', body: businessFields, sessionOnly: true },
  'PUT /business/:id': { summary: 'Update a business profile', body: businessFields },
  'GET /business/:id/catalog': { summary: 'The catalog of a business' },
  'PUT /business/:id/catalog': { summary: 'Replace the catalog (at most 2000 products)', body: catalogBody },
  'GET /groups': { summary: 'List WhatsApp groups', query: z.object({ businessId: z.string().uuid().optional() }) },
  'POST /groups': { summary: 'Link a WhatsApp group', body: groupBody },
  'POST /groups/:id/riders': { summary: "Set a delivery group's riders", body: ridersBody },
  'GET /business/:id/whatsapp': { summary: 'WhatsApp session state' },
  'POST /business/:id/whatsapp': { summary: 'Start the WhatsApp session (or the simulator)', body: transportBody },
  'DELETE /business/:id/whatsapp': { summary: 'Stop the WhatsApp session' },
  'POST /api/simulator/messages': { summary: 'Simulator: a message in a linked group', body: simulatorBody },
  'GET /api/simulator/outbox': { summary: 'Simulator: what the bot sent in a group', query: z.object({ groupId: z.string().uuid() }) },
  'GET /business/:id/api-keys': { summary: "List the business's API keys (owner, signed in)", sessionOnly: true },
  'POST /business/:id/api-keys': { summary: 'Create an API key; the answer carries the key, shown once', body: apiKeyBody, sessionOnly: true },
  'DELETE /business/:id/api-keys/:keyId': { summary: 'Revoke an API key (at once)', sessionOnly: true },
  'GET /business/:id/webhooks': { summary: 'List webhooks' },
  'POST /business/:id/webhooks': { summary: 'Add a webhook; the answer carries its signing secret, shown once', body: webhookBody },
  'DELETE /business/:id/webhooks/:webhookId': { summary: 'Remove a webhook' },
  'GET /business/:id/webhooks/:webhookId/deliveries': { summary: "A webhook's delivery log, newest first", query: deliveriesQuery },
  'POST /business/:id/webhooks/:webhookId/test': { summary: 'Send a test delivery' },
  'GET /health': { summary: 'Health of the database, event store and projections', public: true },
};

/** Pages, assets and sockets that are not part of the JSON API. */
const NOT_API = [/^\/static\//, /^\/vendor\//, /^\/docs/, /^\/ws$/, /^\/admin\/ws$/, /^\/login$/, /^\/register$/, /^\/export$/, /^\/whatsapp$/, /^\/$/, /^\/metrics$/, /\/(edit|revoke|remove|integrations)$/, /\*/];

const schemaOf = (s: z.ZodTypeAny): Record<string, unknown> => {
  const json = zodToJsonSchema(s, { target: 'openApi3', $refStrategy: 'none', effectStrategy: 'input' }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
};

const problem = { $ref: '#/components/schemas/Problem' };

function operation(method: string, url: string, d: Described | undefined) {
  const params = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1]!, in: 'path', required: true, schema: { type: 'string' } }));
  if (d?.query) {
    const q = schemaOf(d.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) params.push({ name, in: 'query', required: (q.required ?? []).includes(name), schema: schema as { type: string } });
  }
  const tag = url.split('/').filter((s) => s && s !== 'api' && !s.startsWith(':'))[0] ?? 'root';
  return {
    summary: d?.summary ?? `${method} ${url}`,
    operationId: `${method.toLowerCase()}${url.replace(/[/:]+([a-zA-Z])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
    tags: [tag],
    ...(params.length ? { parameters: params } : {}),
    ...(d?.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(d.body) } } } } : {}),
    ...(d?.public ? { security: [] } : d?.sessionOnly ? { security: [{ session: [] }] } : {}),
    responses: {
      '200': { description: 'JSON answer (send `Accept: application/json`)', content: { 'application/json': { schema: { type: 'object' } } } },
      '400': { description: 'Invalid input, naming the field', content: { 'application/json': { schema: problem } } },
      '401': { description: 'Not signed in, or the API key is unknown or revoked', content: { 'application/json': { schema: problem } } },
      '404': { description: "Not found (also another business's ids)", content: { 'application/json': { schema: problem } } },
    },
  };
}

export function docsPlugin(app: FastifyInstance): void {
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) if (m !== 'HEAD' && !NOT_API.some((r) => r.test(route.url))) routes.push({ method: m, url: route.url });
  });

  let built: object | undefined;
  const document = () => {
    if (built) return built;
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      (paths[path] ??= {})[r.method.toLowerCase()] = operation(r.method, r.url, DESCRIBED[`${r.method} ${r.url}`]);
    }
    built = {
      openapi: '3.0.3',
      info: {
        title: 'Novi API',
        version: '1',
        description:
          'JSON API of Novi. Send `Accept: application/json`. Authenticate with the session cookie of a signed-in user, or with a business API key: `Authorization: Bearer novi_…` (that business only). Errors are `{ error, message, code }`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A business API key (novi_…), created under Businesses → Integrations' },
          session: { type: 'apiKey', in: 'cookie', name: 'novi_session' },
        },
        schemas: {
          Problem: { type: 'object', required: ['error', 'message', 'code'], properties: { error: { type: 'boolean' }, message: { type: 'string' }, code: { type: 'string' } } },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
      paths,
    };
    return built;
  };

  app.get('/docs/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(document()));
  app.get('/docs', async (req, reply) => {
    const doc = document() as { paths: Record<string, Record<string, { summary: string }>> };
    return sendHtml(
      reply,
      <Layout title="API" user={req.user} csrf={req.csrfToken}>
        <section class="card stack">
          <h1>Novi API</h1>
          <p>
            The machine-readable document: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3). Send <code>Accept: application/json</code> and{' '}
            <code>Authorization: Bearer novi_…</code> (an API key of one business, made by its owner under Businesses → Integrations), or use a signed-in session.
          </p>
          <table class="api">
            <thead>
              <tr>
                <th>Method</th>
                <th>Path</th>
                <th>What</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(doc.paths).flatMap(([path, ops]) =>
                Object.entries(ops).map(([method, op]) => (
                  <tr>
                    <td>
                      <code safe>{method.toUpperCase()}</code>
                    </td>
                    <td>
                      <code safe>{path}</code>
                    </td>
                    <td safe>{op.summary}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </section>
      </Layout>,
    );
  });
}
