#!/usr/bin/env node
// The published entry point: the CLI is compiled to dist/ by `npm run build`.
require('../dist/apps/cli/main.js');
