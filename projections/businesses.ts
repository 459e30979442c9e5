// Read models `businesses`, `catalog_products` and `groups`: what a merchant set up.
import { sql } from 'slonik';
import { timezoneForCountry, write, type Projection } from './shared.ts';

export const businessesProjection: Projection = {
  name: 'businesses',
  eventTypes: ['BusinessRegistered', 'BusinessUpdated', 'CatalogSet', 'ReplyTemplatesSet', 'GroupLinked', 'GroupUpdated', 'GroupUnlinked'],
  tables: ['businesses', 'catalog_products', 'groups'],
  async apply({ tx, t, touch }, events) {
    for (const e of events) {
      const at = e.metadata.occurredAt;
      switch (e.type) {
        case 'BusinessRegistered':
        case 'BusinessUpdated': {
          const d = e.data;
          await tx.query(write`
            insert into ${t('businesses')} (id, owner_id, name, description, address, phone, email, country, currency, timezone,
                                            created_at, updated_at, revision)
            values (${d.businessId}, ${d.ownerId}, ${d.name}, ${d.description}, ${d.address}, ${d.phone}, ${d.email},
                    ${d.country}, ${d.currency}, ${timezoneForCountry(d.country)}, ${at}, ${at}, ${e.revision.toString()})
            on conflict (id) do update set owner_id = excluded.owner_id, name = excluded.name, description = excluded.description,
              address = excluded.address, phone = excluded.phone, email = excluded.email, country = excluded.country,
              currency = excluded.currency, timezone = excluded.timezone, updated_at = excluded.updated_at,
              revision = excluded.revision`);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        case 'CatalogSet': {
          const d = e.data;
          await tx.query(write`delete from ${t('catalog_products')} where business_id = ${d.businessId}`);
          if (d.products.length > 0) {
            await tx.query(write`
              insert into ${t('catalog_products')} (business_id, sku, name, price, aliases, position)
              select ${d.businessId}, p.sku, p.name, p.price, array(select jsonb_array_elements_text(p.aliases)), p.ord - 1
                from rows from (jsonb_to_recordset(${sql.jsonb(d.products)}) as (sku text, name text, price numeric, aliases jsonb))
                     with ordinality as p(sku, name, price, aliases, ord)
              on conflict (business_id, sku) do nothing`);
          }
          await bumpBusiness(tx, t, d.businessId, at, e.revision);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        case 'ReplyTemplatesSet': {
          const d = e.data;
          await tx.query(write`
            update ${t('businesses')} set reply_templates = ${sql.jsonb({ defaultLanguage: d.defaultLanguage, templates: d.templates })},
              updated_at = ${at}, revision = ${e.revision.toString()}
            where id = ${d.businessId}`);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        case 'GroupLinked':
        case 'GroupUpdated': {
          const d = e.data;
          // A chat moved to another group: the unique whatsapp_id must follow the latest link.
          if (d.whatsappId !== null) {
            await tx.query(write`update ${t('groups')} set whatsapp_id = null where whatsapp_id = ${d.whatsappId} and id <> ${d.groupId}`);
          }
          await tx.query(write`
            insert into ${t('groups')} (id, business_id, name, description, group_type, whatsapp_id, rider_phones, created_at, updated_at)
            values (${d.groupId}, ${d.businessId}, ${d.name}, ${d.description}, ${d.groupType}, ${d.whatsappId},
              ${sql.array(d.riderPhones ?? [], 'text')}, ${at}, ${at})
            on conflict (id) do update set business_id = excluded.business_id, name = excluded.name,
              description = excluded.description, group_type = excluded.group_type, whatsapp_id = excluded.whatsapp_id,
              rider_phones = excluded.rider_phones, updated_at = excluded.updated_at`);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        case 'GroupUnlinked': {
          // The row stays (orders and messages name the group); its chat is freed for another group.
          const d = e.data;
          await tx.query(write`update ${t('groups')} set unlinked_at = ${at}, whatsapp_id = null, updated_at = ${at} where id = ${d.groupId}`);
          touch({ type: 'business', businessId: d.businessId, event: e.type });
          break;
        }
        default:
          break;
      }
    }
  },
};

async function bumpBusiness(tx: Parameters<Projection['apply']>[0]['tx'], t: Parameters<Projection['apply']>[0]['t'], id: string, at: string, revision: bigint) {
  await tx.query(write`update ${t('businesses')} set updated_at = ${at}, revision = ${revision.toString()} where id = ${id}`);
}
