#!/usr/bin/env node
'use strict';
/**
 * The `apigw-chat` command (`npx apigw-chat emit …`): loads bin/apigw-chat.ts through tsx, a
 * devDependency, so the CLI runs from this repository without a build step.
 */
let register;
try {
  ({ register } = require('tsx/cjs/api'));
} catch {
  console.error('apigw-chat: tsx is not installed; run `npm ci` in the apigw-chat repository.');
  process.exit(2);
}
register();
require('./apigw-chat.ts');
