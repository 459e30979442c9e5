// GET /dashboard (KPIs, recent orders, charts) and GET /api/dashboard/analytics.
import { t } from '../i18n/index.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { requireUser } from '../auth/plugin.ts';
import { parse, sendHtml, wantsJson } from '../lib/http.ts';
import { analytics, analyticsQuery, dashboardKpis, listBusinesses, narrow, recentOrders, reviewQueue, userScope } from '../lib/queries.ts';
import { Layout } from '../views/layout.tsx';
import { Dashboard } from '../views/dashboard.tsx';

export const dashQuery = z.object({ businessId: z.preprocess((v) => (v === '' ? undefined : v), z.string().uuid().optional()) });

export async function dashboardRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/dashboard', async (req, reply) => {
    const user = requireUser(req);
    const q = parse(dashQuery, req.query, 'dashboard query');
    const all = await userScope(rt, user);
    const scope = narrow(all, q.businessId);
    const [kpis, recent, charts, review] = await Promise.all([dashboardKpis(rt, scope), recentOrders(rt, scope), analytics(rt, scope, {}), reviewQueue(rt, scope)]);
    if (wantsJson(req)) return reply.send({ kpis, recentOrders: recent, charts, needsReview: review });
    const businesses = await listBusinesses(rt, all);
    return sendHtml(
      reply,
      <Layout
        title={t('dash.title')}
        user={user}
        csrf={req.csrfToken}
        active="/dashboard"
        head={
          <>
            <link rel="stylesheet" href="/vendor/uplot/uPlot.min.css" />
            <script src="/vendor/uplot/uPlot.iife.min.js" defer></script>
            <script src="/static/dashboard.js" defer></script>
            <script src="/static/alerts.js" defer></script>
          </>
        }
      >
        <Dashboard kpis={kpis} recent={recent} charts={charts} businesses={businesses} businessId={q.businessId} review={review} />
      </Layout>,
    );
  });

  app.get('/api/dashboard/analytics', async (req, reply) => {
    const user = requireUser(req);
    const q = parse(analyticsQuery, req.query, 'analytics query');
    const scope = narrow(await userScope(rt, user), q.businessId);
    return reply.send(await analytics(rt, scope, q));
  });
}
