#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run on install by `prepare`).
require('../dist/src/cli.js');
