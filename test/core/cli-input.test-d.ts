/** Commands get typed input: option names are checked against the command's own options, values are typed. */
import { describe, expectTypeOf, it } from 'vitest';
import { command } from '../../src/cli/framework.js';

describe('CommandInput', () => {
  it('types each getter by the command’s options and refuses names it does not declare', () => {
    command({
      name: 'demo',
      summary: 'demo',
      options: {
        out: { type: 'string', description: 'where' },
        check: { type: 'boolean', description: 'check only' },
        documents: { type: 'string', multiple: true, description: 'globs' },
      },
      run(_ctx, input) {
        expectTypeOf(input.string('out')).toEqualTypeOf<string | undefined>();
        expectTypeOf(input.required('out')).toEqualTypeOf<string>();
        expectTypeOf(input.flag('check')).toEqualTypeOf<boolean>();
        expectTypeOf(input.list('documents')).toEqualTypeOf<string[]>();
        expectTypeOf(input.options.check).toEqualTypeOf<boolean | undefined>();
        // @ts-expect-error: a misspelt option name is a compile error
        input.string('ot');
        // @ts-expect-error: an on/off option has no string value
        input.string('check');
        // @ts-expect-error: a one-value option is not a flag
        input.flag('out');
        // @ts-expect-error: only repeatable options are lists
        input.list('out');
        return 0;
      },
    });
  });
});
