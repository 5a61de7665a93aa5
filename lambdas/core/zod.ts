/**
 * Zod for the Lambda code: the tree-shakable `zod/mini` API with the English error messages.
 * Import it as a namespace (`import * as z from '../core/zod'`) so bundles keep only what they use.
 */
import { config } from 'zod/mini';
import * as locales from 'zod/v4/locales';

config(locales.en());

export * from 'zod/mini';
