#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
import module from 'node:module';

// Most of a one-off call's wall time is V8 compiling yargs and the AWS SDK. Node >= 22.1 can
// cache that compilation on disk; Node 20 cannot (and its ESM loader has no other hook for it).
module.enableCompileCache?.();

import('../dist/src/cli/main.js').then(
  (cli) => cli.main(process.argv.slice(2)),
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('lambench: not built yet: run `npm run build` (npm ci does it) in the lambench folder');
    } else {
      console.error(`lambench: ${error?.message ?? error}`);
    }
    process.exitCode = 1;
  },
);
