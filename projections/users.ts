// Read model `users`: accounts for sign-in and the admin user list.
import { write, type Projection } from './shared.ts';

export const usersProjection: Projection = {
  name: 'users',
  eventTypes: ['UserRegistered', 'UserDeactivated', 'UserReactivated', 'UserRoleGranted', 'UserLanguageSet'],
  tables: ['users'],
  async apply({ tx, t }, events) {
    for (const e of events) {
      const at = e.metadata.occurredAt;
      switch (e.type) {
        case 'UserRegistered': {
          const d = e.data;
          await tx.query(write`
            insert into ${t('users')} (id, username, email, phone, role, active, created_at, updated_at)
            values (${d.userId}, ${d.username}, ${d.email}, ${d.phone}, ${d.role}, true, ${at}, ${at})
            on conflict (id) do nothing`);
          break;
        }
        case 'UserDeactivated':
        case 'UserReactivated':
          await tx.query(write`
            update ${t('users')} set active = ${e.type === 'UserReactivated'}, updated_at = ${at} where id = ${e.data.userId}`);
          break;
        case 'UserRoleGranted':
          await tx.query(write`update ${t('users')} set role = ${e.data.role}, updated_at = ${at} where id = ${e.data.userId}`);
          break;
        case 'UserLanguageSet':
          await tx.query(write`update ${t('users')} set language = ${e.data.language}, updated_at = ${at} where id = ${e.data.userId}`);
          break;
        default:
          break;
      }
    }
  },
};

