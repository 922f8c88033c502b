import type { Rule } from '../../src/engine/types';

/** Metadata for the findings the engine emits when a rule fails; the rule itself checks nothing. */
export const internalError: Rule = {
  meta: {
    id: 'internal-error',
    description: 'A rule failed on this input and was skipped',
    details:
      'kube-netlint hit a bug while checking the input. The other rules still ran; the failing rule did not.',
    severity: 'error',
    tags: ['input'],
    docs: {
      why: 'The skipped rule may have missed real problems in this input.',
      symptoms: [],
      fix: 'Report the message and, if you can, the manifest that triggers it. Disable the named rule meanwhile.',
      example: { bad: '', good: '' },
    },
  },
  check() {
    // Emitted by the engine itself.
  },
};
