import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { describeCycle, findCycles, readModuleGraph } from './module-graph.js';

const srcRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('module-graph', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tree(files: Readonly<Record<string, string>>): string {
    const root = mkdtempSync(join(tmpdir(), 'strata-module-graph-'));
    dirs.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('resolves .js to .ts and a folder to its index.ts, and skips packages', () => {
    const root = tree({
      'a.ts': "import { b } from './b.js';\nimport { c } from './c';\nimport ts from 'typescript';",
      'b.ts': 'export const b = 1;',
      'c/index.ts': 'export const c = 1;',
    });
    expect(readModuleGraph(root).get('a.ts')).toEqual(['b.ts', 'c/index.ts']);
  });

  it('finds cycles made by type-only imports and re-exports', () => {
    const root = tree({
      'a.ts': "import type { B } from './b.js';\nexport type A = B;",
      'b.ts': "export * from './c.js';\nexport type B = string;",
      'c.ts': "import type { A } from './a.js';\nexport type C = A;",
      'd.ts': "import type { A } from './a.js';",
      'e.ts': "import type { E } from './e.js';\nexport type E = string;",
    });
    const graph = readModuleGraph(root);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(describeCycle(graph, ['a.ts', 'b.ts', 'c.ts'])).toBe(
      '3 modules:\n  a.ts → b.ts\n  b.ts → c.ts\n  c.ts → a.ts',
    );
  });

  it('finds no import cycle in src', () => {
    const graph = readModuleGraph(srcRoot);
    expect(graph.size).toBeGreaterThan(100);
    const report = findCycles(graph).map((cycle) => describeCycle(graph, cycle));
    expect(report.join('\n\n')).toBe('');
  });
});
