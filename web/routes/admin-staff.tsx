// /admin/admins: an admin creates another admin account from the UI (the CLI's `novi admin create`
// does the same). Recorded as UserRegistered with role admin and the creating admin as its actor.
import { t } from '../i18n/index.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { listUsers } from '../../src/accounts/admin.ts';
import { registerAccount } from '../../src/accounts/registration.ts';
import { parse, sendHtml, wantsJson } from '../lib/http.ts';
import { waitForProjection } from '../lib/projection.ts';
import { Csrf } from '../views/layout.tsx';
import { AdminLayout } from '../views/admin/layout.tsx';
import { requireAdmin } from './admin.tsx';

const adminBody = z.object({
  username: z.string().trim().min(3).max(50).regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits, dot, dash and underscore'),
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
});

export async function adminStaffRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/admin/admins', async (req, reply) => {
    const user = requireAdmin(req);
    const admins = await listUsers(rt, { role: 'admin' });
    if (wantsJson(req)) return reply.send({ admins });
    return sendHtml(
      reply,
      <AdminLayout title={t('adm.admins')} user={user} csrf={req.csrfToken} active="/admin/admins">
        <h1>{t('adm.admins')}</h1>
        <ul class="card">
          {admins.map((a) => (
            <li>
              <span safe>{a.username}</span> <small class="muted" safe>{a.email}</small>
            </li>
          ))}
        </ul>
        <form method="post" action="/admin/admins" class="card stack" id="create-admin">
          <h2>{t('adm.createAdmin')}</h2>
          <Csrf token={req.csrfToken} />
          <label>
            {t('adm.username')} <input name="username" required minlength="3" maxlength="50" autocomplete="off" />
          </label>
          <label>
            {t('adm.email')} <input name="email" type="email" required maxlength="254" autocomplete="off" />
          </label>
          <label>
            {t('adm.password')} <input name="password" type="password" required minlength="8" maxlength="200" autocomplete="new-password" />
          </label>
          <button type="submit">{t('adm.create')}</button>
        </form>
      </AdminLayout>,
    );
  });

  app.post('/admin/admins', async (req, reply) => {
    const me = requireAdmin(req);
    const body = parse(adminBody, req.body, 'admin');
    const account = await registerAccount(rt, { username: body.username, email: body.email, password: body.password, role: 'admin' }, { correlationId: req.id, actor: me.id });
    await waitForProjection(rt, { table: 'users', id: account.userId });
    if (wantsJson(req)) return reply.code(201).send({ success: true, admin: { id: account.userId, username: account.username, email: account.email, role: account.role } });
    return reply.redirect('/admin/admins', 303);
  });
}
