// tap `before`: starts the run's embedded PostgreSQL once and migrates the template database.
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { testServer, TEMPLATE_DB } from './helpers/db.ts';

const server = await testServer();
const admin = new pg.Client({ connectionString: server.url('postgres') });
await admin.connect();
await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
await admin.query(`create database ${TEMPLATE_DB}`);
await admin.end();
await migrate(server.url(TEMPLATE_DB));
