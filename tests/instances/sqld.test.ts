import { sharedDatabaseSuite } from './suite.ts';

sharedDatabaseSuite('sqld');
