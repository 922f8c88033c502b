// Every rule, in the order they are listed and documented. Adding a rule: write its module, add it
// here, add fixtures/<rule-id>/, run `npm run docs`.
import type { Rule } from '../src/engine/types';
import { duplicateObject } from './input/duplicate-object';
import { helmTemplate } from './input/helm-template';
import { internalError } from './input/internal-error';
import { parseError } from './input/parse-error';
import { serviceSelectorNoMatch } from './service/service-selector-no-match';

export const RULES: readonly Rule[] = [
  parseError,
  helmTemplate,
  duplicateObject,
  internalError,
  serviceSelectorNoMatch,
];
