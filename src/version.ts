/** lambench's own version, from package.json (dist/src/version.js sits two levels below it). */
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
