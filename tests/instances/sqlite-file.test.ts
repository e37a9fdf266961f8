import { sharedDatabaseSuite } from './suite.ts';

sharedDatabaseSuite('file');
