// The manual-order form (/orders/new): an order taken by phone or in the shop. Catalog products
// with their prices and a quantity each, free items, a customer from the list or a new one.
import { t } from '../i18n/index.ts';
import type { BusinessJson, GroupJson, ProductJson } from '../lib/queries.ts';
import type { CustomerJson } from '../lib/customers.ts';
import { Csrf, money } from './layout.tsx';

export const FREE_ITEM_ROWS = 3;

export function ManualOrderForm(p: {
  csrf: string;
  orderId: string;
  businesses: BusinessJson[];
  business: BusinessJson;
  groups: GroupJson[];
  catalog: ProductJson[];
  customers: CustomerJson[];
}): JSX.Element {
  const b = p.business;
  return (
    <section class="stack" id="manual-order">
      <h1>{t('mo.title')}</h1>
      <p class="muted">{t('mo.help')}</p>
      {p.businesses.length > 1 ? (
        <form method="get" action="/orders/new" class="filters">
          <label>
            {t('mo.business')}
            <select name="businessId">
              {p.businesses.map((x) => (
                <option value={x.id} selected={x.id === b.id} safe>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('mo.switch')}</button>
        </form>
      ) : (
        ''
      )}
      {p.groups.length === 0 ? (
        <p class="card">
          {t('mo.linkFirst')} (<a href="/business">{t('biz.title')}</a>){t('mo.linkFirstTail')}
        </p>
      ) : (
        <form method="post" action="/orders/new" class="stack" id="manual-order-form">
          <Csrf token={p.csrf} />
          <input type="hidden" name="orderId" value={p.orderId} />
          <input type="hidden" name="businessId" value={b.id} />
          <label>
            {t('mo.group')}
            <select name="groupId">
              {p.groups.map((g) => (
                <option value={g.id} safe>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset class="card">
            <legend>{t('mo.customer')}</legend>
            <label>
              {t('mo.fromCustomers')}
              <select name="customerKey">
                <option value="">{t('mo.newCustomer')}</option>
                {p.customers.map((c) => (
                  <option value={c.key} safe>
                    {[c.name, c.phone].filter(Boolean).join(' · ') || c.key}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('mo.name')} <input name="customerName" maxlength="200" autocomplete="off" />
            </label>
            <label>
              {t('mo.phone')} <input name="customerPhone" maxlength="40" type="tel" autocomplete="off" />
            </label>
            <label>
              {t('mo.address')} <input name="customerAddress" maxlength="500" autocomplete="off" />
            </label>
          </fieldset>
          <fieldset class="card">
            <legend>{t('mo.catalog')}</legend>
            {p.catalog.length === 0 ? <p class="muted">{t('mo.noProducts')}</p> : ''}
            <table class="picker">
              <tbody>
                {p.catalog.map((x) => (
                  <tr>
                    <td safe>{x.name}</td>
                    <td class="num" safe>{money(x.price, b.currency)}</td>
                    <td class="num">
                      <input type="hidden" name="sku" value={x.sku} />
                      <input name="qty" type="number" min="0" max="999999999" step="any" value="" placeholder="0" aria-label={t('mo.quantityOf', { name: x.name })} data-sku={x.sku} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
          <fieldset class="card">
            <legend>{t('mo.other')}</legend>
            {Array.from({ length: FREE_ITEM_ROWS }, () => (
              <div class="item-row">
                <input name="itemName" maxlength="200" placeholder={t('mo.item')} />
                <input name="itemQty" type="number" min="0" step="any" placeholder={t('mo.qty')} />
                <input name="itemPrice" type="number" min="0" step="0.01" placeholder={t('mo.price')} />
              </div>
            ))}
          </fieldset>
          <label>
            {t('mo.deliveryFee')} <input name="deliveryFee" type="number" min="0" step="0.01" max="999999999999.99" />
          </label>
          <label>
            {t('mo.discount')} <input name="discount" type="number" min="0" step="0.01" max="999999999999.99" />
          </label>
          <label>
            {t('mo.notes')} <input name="deliveryNotes" maxlength="1000" />
          </label>
          <label class="check">
            <input type="checkbox" name="notifyCustomer" value="on" /> {t('mo.notify')}
          </label>
          <button type="submit">{t('mo.place')}</button>
        </form>
      )}
    </section>
  );
}
