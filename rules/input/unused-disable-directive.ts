import type { Rule } from '../../src/engine/types';

export const UNUSED_DISABLE_DIRECTIVE = 'unused-disable-directive';

/**
 * Metadata for the findings the engine emits about suppression comments once every other rule has
 * run (whether a directive suppressed anything is only known then); the rule itself checks nothing.
 */
export const unusedDisableDirective: Rule = {
  meta: {
    id: UNUSED_DISABLE_DIRECTIVE,
    description: 'A kube-netlint-disable comment that suppresses nothing',
    details:
      'Reports a kube-netlint-disable, -disable-line or -disable-next-line comment that names a rule id that does ' +
      'not exist (with the closest one), names a rule that ran and reported nothing there, or disables all rules ' +
      'where none reported anything. Rules that did not run (turned off, not selected) are not judged.',
    severity: 'warning',
    tags: ['input', 'suppression'],
    docs: {
      why: 'A misspelt rule id silently suppresses nothing, so the finding it was meant for still fails the build, or a stale comment hides the next real problem on that line.',
      symptoms: ['a finding is reported although a kube-netlint-disable comment names its rule'],
      fix: 'Correct the rule id, or remove the comment once the problem it suppressed is fixed.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  # kube-netlint-disable-next-line service-selector-no-mach\n  selector: {app: web}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  # kube-netlint-disable-next-line service-selector-no-match -- pods come from an operator\n  selector: {app: web}\n',
      },
    },
  },
  check() {
    // Emitted by the engine after the other rules.
  },
};
