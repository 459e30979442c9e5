// The manual-order form (/orders/new): an order taken by phone or in the shop. Catalog products
// with their prices and a quantity each, free items, a customer from the list or a new one.
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
      <h1>New order</h1>
      <p class="muted">An order taken by phone or in the shop: it is numbered and counted like a WhatsApp order.</p>
      {p.businesses.length > 1 ? (
        <form method="get" action="/orders/new" class="filters">
          <label>
            Business
            <select name="businessId">
              {p.businesses.map((x) => (
                <option value={x.id} selected={x.id === b.id} safe>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Switch</button>
        </form>
      ) : (
        ''
      )}
      {p.groups.length === 0 ? (
        <p class="card">
          Link a <strong>sales</strong> group to this business first (<a href="/business">Businesses</a>): a manual order is filed under one, and its WhatsApp
          confirmation and receipt go to that chat.
        </p>
      ) : (
        <form method="post" action="/orders/new" class="stack" id="manual-order-form">
          <Csrf token={p.csrf} />
          <input type="hidden" name="orderId" value={p.orderId} />
          <input type="hidden" name="businessId" value={b.id} />
          <label>
            Sales group
            <select name="groupId">
              {p.groups.map((g) => (
                <option value={g.id} safe>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset class="card">
            <legend>Customer</legend>
            <label>
              From your customers
              <select name="customerKey">
                <option value="">New customer (below)</option>
                {p.customers.map((c) => (
                  <option value={c.key} safe>
                    {[c.name, c.phone].filter(Boolean).join(' · ') || c.key}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Name <input name="customerName" maxlength="200" autocomplete="off" />
            </label>
            <label>
              Phone <input name="customerPhone" maxlength="40" type="tel" autocomplete="off" />
            </label>
            <label>
              Address <input name="customerAddress" maxlength="500" autocomplete="off" />
            </label>
          </fieldset>
          <fieldset class="card">
            <legend>Catalog</legend>
            {p.catalog.length === 0 ? <p class="muted">No products in the catalog yet; add free items below.</p> : ''}
            <table class="picker">
              <tbody>
                {p.catalog.map((x) => (
                  <tr>
                    <td safe>{x.name}</td>
                    <td class="num" safe>{money(x.price, b.currency)}</td>
                    <td class="num">
                      <input type="hidden" name="sku" value={x.sku} />
                      <input name="qty" type="number" min="0" max="999999999" step="any" value="" placeholder="0" aria-label={`Quantity of ${x.name}`} data-sku={x.sku} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
          <fieldset class="card">
            <legend>Other items</legend>
            {Array.from({ length: FREE_ITEM_ROWS }, () => (
              <div class="item-row">
                <input name="itemName" maxlength="200" placeholder="Item" />
                <input name="itemQty" type="number" min="0" step="any" placeholder="Qty" />
                <input name="itemPrice" type="number" min="0" step="0.01" placeholder="Price" />
              </div>
            ))}
          </fieldset>
          <label>
            Delivery fee <input name="deliveryFee" type="number" min="0" step="0.01" max="999999999999.99" />
          </label>
          <label>
            Discount <input name="discount" type="number" min="0" step="0.01" max="999999999999.99" />
          </label>
          <label>
            Notes <input name="deliveryNotes" maxlength="1000" />
          </label>
          <label class="check">
            <input type="checkbox" name="notifyCustomer" value="on" /> Send the confirmation to the customer on WhatsApp
          </label>
          <button type="submit">Place order</button>
        </form>
      )}
    </section>
  );
}
