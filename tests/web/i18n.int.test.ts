// Languages of the web UI: Accept-Language picks es/pt pages, the user's own setting (an event,
// UserLanguageSet) overrides it and survives signing in again, money and dates follow the
// business's country, and every catalog has the same keys and placeholders.
import t from 'tap';
import { api, placeOrder, register, sessionCookie, webEnv, type Merchant } from './harness.ts';
import { catalogs, fromAcceptLanguage, resolveLanguage } from '../../web/i18n/index.ts';
import { en } from '../../web/i18n/en.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

const ana = await register(app, 'ana_i18n');
const b = await api(app, ana, 'POST', '/business', { name: 'Padaria da Ana', country: 'BR', currency: 'BRL' });
const businessId = b.json().business.id as string;
const g = await api(app, ana, 'POST', '/groups', { name: 'Vendas', groupType: 'sales', businessId });
const groupId = g.json().group.id as string;
const orderId = await placeOrder(rt, { businessId, groupId, customerName: 'Maria <i>Silva</i>', currency: 'BRL', items: [{ name: 'Pão de queijo', sku: null, quantity: 1, unitPrice: 1234.5 }] });

const page = (m: Merchant, url: string, language?: string) =>
  app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: m.cookie, ...(language ? { 'accept-language': language } : {}) } });
const text = (html: string) => html.replace(/\u00a0|\u202f/g, ' ');

t.test('English for an English browser, with <html lang>; the business country without a header', async (t) => {
  t.match((await page(ana, '/dashboard')).body, '<html lang="pt">', 'no Accept-Language: the language of Brazil');
  const r = await page(ana, '/dashboard', 'en-GB,en;q=0.8');
  t.equal(r.statusCode, 200);
  t.match(r.body, '<html lang="en">');
  t.match(r.body, '<h1>Dashboard</h1>');
  t.match(r.body, 'Orders today');
});

t.test('Accept-Language es gives Spanish pages', async (t) => {
  const dash = await page(ana, '/dashboard', 'es-MX,es;q=0.9,en;q=0.5');
  t.match(dash.body, '<html lang="es">');
  t.match(dash.body, '<h1>Panel</h1>');
  t.match(dash.body, 'Pedidos hoy');
  t.match(dash.body, 'Pedidos recientes');
  const list = await page(ana, '/orders', 'es');
  t.match(list.body, '<h1>Pedidos</h1>');
  t.match(list.body, 'Pedido nuevo');
  t.match(list.body, '<th>Cliente</th>');
  const order = await page(ana, `/orders/${orderId}`, 'es');
  t.match(order.body, 'Pedido #1001');
  t.match(order.body, 'Historial de estados');
  t.match(order.body, 'Marcar confirmado');
  t.match(order.body, 'Registrar un pago');
  t.match(order.body, 'Maria &lt;i>Silva&lt;/i>', 'customer text stays as written, escaped');
});

t.test('Accept-Language pt gives Portuguese pages; money and dates for Brazil', async (t) => {
  const dash = await page(ana, '/dashboard', 'pt-BR,pt;q=0.9');
  t.match(dash.body, '<html lang="pt">');
  t.match(dash.body, '<h1>Painel</h1>');
  t.match(dash.body, 'Faturamento hoje');
  t.match(text(dash.body), 'R$ 1.234,50', 'the recent order in reais');
  const list = await page(ana, '/orders', 'pt');
  t.match(list.body, 'Novo pedido');
  t.match(list.body, 'Buscar');
  const order = await page(ana, `/orders/${orderId}`, 'pt');
  t.match(order.body, 'Histórico de status');
  t.match(order.body, 'Marcar confirmado');
  t.match(order.body, 'Taxa de entrega');
  t.match(text(order.body), 'R$ 1.234,50');
  const json = (await api(app, ana, 'GET', `/orders/${orderId}`)).json().order;
  const placed = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Sao_Paulo' }).format(new Date(json.createdAt));
  t.match(text(order.body), text(placed), 'dates in the business time zone, Brazilian style');
});

t.test('the user setting overrides the header and persists after signing in again', async (t) => {
  t.equal((await api(app, ana, 'POST', '/account/language', { language: 'fr' })).statusCode, 400, 'only en, es, pt');
  t.equal((await api(app, null, 'POST', '/account/language', { language: 'pt' })).statusCode, 401, 'signed in only');
  const set = await api(app, ana, 'POST', '/account/language', { language: 'pt' });
  t.equal(set.statusCode, 200, set.body);
  t.same(set.json(), { language: 'pt' });
  const events = await rt.store.readStream(`user-${ana.id}`);
  t.match(events.at(-1), { type: 'UserLanguageSet', data: { userId: ana.id, language: 'pt' } }, 'recorded as an event');
  t.match((await page(ana, '/dashboard', 'es')).body, '<h1>Painel</h1>', 'Portuguese although the browser asks for Spanish');
  await app.inject({ method: 'POST', url: '/auth/logout', headers: { accept: 'application/json', cookie: ana.cookie } });
  const login = await api(app, null, 'POST', '/auth/login', { username: 'ana_i18n', password: 'correct horse battery' });
  t.equal(login.statusCode, 200, login.body);
  const again = { ...ana, cookie: sessionCookie(login) };
  const dash = await page(again, '/dashboard', 'en-US,en');
  t.match(dash.body, '<html lang="pt">', 'the choice outlives the session');
  t.match(dash.body, 'Pedidos recentes');
  // Back to English for the account menu's own check.
  t.equal((await api(app, again, 'POST', '/account/language', { language: 'en' })).statusCode, 200);
  t.match((await page(again, '/orders', 'pt')).body, '<h1>Orders</h1>');
});

t.test('the sign-in page follows the browser', async (t) => {
  const r = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html', 'accept-language': 'es' } });
  t.match(r.body, '<html lang="es">');
  t.match(r.body, 'Contraseña');
  const p = await app.inject({ method: 'GET', url: '/register', headers: { accept: 'text/html', 'accept-language': 'pt-PT' } });
  t.match(p.body, 'Crie sua conta Novi');
});

t.test('language resolution', async (t) => {
  t.equal(fromAcceptLanguage('fr-FR,pt;q=0.4,es;q=0.8'), 'es', 'q-values');
  t.equal(fromAcceptLanguage('de,fr'), null);
  t.equal(fromAcceptLanguage(undefined), null);
  t.equal(resolveLanguage({ acceptLanguage: 'de', country: 'BR' }), 'pt', 'the business country when the browser names none of ours');
  t.equal(resolveLanguage({ userLanguage: 'es', acceptLanguage: 'pt', country: 'BR' }), 'es');
  t.equal(resolveLanguage({}), 'en');
});

t.test('every catalog has the same keys and placeholders', async (t) => {
  const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [lang, messages] of Object.entries(catalogs)) {
    t.same(Object.keys(messages).sort(), Object.keys(en).sort(), `${lang}: same keys`);
    const wrong = Object.entries(en).filter(([k, v]) => holes((messages as Record<string, string>)[k] ?? '').join() !== holes(v).join());
    t.same(wrong.map(([k]) => k), [], `${lang}: same placeholders`);
    t.same(Object.entries(messages).filter(([, v]) => v.trim() === '').map(([k]) => k), [], `${lang}: no empty message`);
  }
});
