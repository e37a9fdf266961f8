import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { ROOT } from '../helpers/content.ts';
import config from './dependency-cruiser.mjs';

// The direction of dependencies (docs/decisions/008), checked by dependency-cruiser over the real
// imports of src/ and emails/. A violation fails the suite naming the import and the rule.

function describeViolation(v: IViolation): string {
  const via = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} imports ${v.to}${via}`;
}

async function violations(files: string[], root = ROOT): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const options: ICruiseOptions = { ...(config.options as ICruiseOptions), tsConfig: { fileName: path.join(ROOT, 'tsconfig.json') }, ruleSet: { forbidden: config.forbidden }, validate: true };
    const result = await cruise(files, options, {}, { tsConfig: extractTSConfig(path.join(ROOT, 'tsconfig.json')) });
    if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text instead of a result');
    return result.output.summary.violations.map(describeViolation);
  } finally {
    process.chdir(cwd);
  }
}

describe('the layers of the code', () => {
  it('depend in one direction, as docs/decisions/008 says', async () => {
    expect(await violations(['src', 'emails'])).toEqual([]);
  }, 120_000);

  it('names the import and the rule when a layer is crossed or a cycle closes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-layers-'));
    const file = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    };
    file('src/lib/payments/checkout.server.ts', "import { accessTo } from '../access/access.server.ts';\nexport const a = accessTo;\n");
    file('src/lib/access/access.server.ts', "import { b } from './library.server.ts';\nexport const accessTo = b;\n");
    file('src/lib/access/library.server.ts', "import { accessTo } from './access.server.ts';\nexport const b = 1; export const c = accessTo;\n");
    file('emails/Receipt.tsx', "import { getDb } from '../src/lib/core/db/client.server.ts';\nexport const x = getDb;\n");
    file('src/lib/core/db/client.server.ts', 'export const getDb = 1;\n');
    const found = await violations(['src', 'emails'], dir);
    expect(found).toContain('payments-never-access: src/lib/payments/checkout.server.ts imports src/lib/access/access.server.ts');
    expect(found).toContain('templates-never-query: emails/Receipt.tsx imports src/lib/core/db/client.server.ts');
    expect(found.some((v) => v.startsWith('no-cycles: src/lib/access/'))).toBe(true);
  }, 120_000);
});
