import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Each module (a path relative to the root) and the modules it imports. */
export type ModuleGraph = ReadonlyMap<string, ReadonlyArray<string>>;

/**
 * Reads every `.ts` file under `root` and records its relative imports. Every form counts,
 * `import type`, `export … from` and `import()` included: a type-only cycle tangles the
 * layering as much as a value one. Package imports are not followed.
 */
export function readModuleGraph(root: string): ModuleGraph {
  const files = listTypeScript(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const specifiers = ts.preProcessFile(text, true, false).importedFiles.map((f) => f.fileName);
    const targets = specifiers
      .filter((s) => s.startsWith('.'))
      .map((s) => resolveSpecifier(file, s, known))
      .filter((t): t is string => t !== undefined);
    graph.set(
      relative(root, file),
      [...new Set(targets)].map((t) => relative(root, t)),
    );
  }
  return graph;
}

/**
 * Import cycles: strongly connected components of more than one module, or a module that
 * imports itself (Tarjan's algorithm). Each cycle is sorted, and the list too.
 */
export function findCycles(graph: ModuleGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A cycle's own import edges, one `a → b` per line, so a reader sees where to cut. */
export function describeCycle(graph: ModuleGraph, cycle: ReadonlyArray<string>): string {
  const members = new Set(cycle);
  const edges = cycle.flatMap((from) =>
    (graph.get(from) ?? []).filter((to) => members.has(to)).map((to) => `  ${from} → ${to}`),
  );
  return [`${cycle.length} modules:`, ...edges].join('\n');
}

// NodeNext specifiers name the emitted file: './x.js' is './x.ts', './dir' is './dir/index.ts'.
function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => known.has(c));
}

function listTypeScript(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = resolve(dir, name);
    if (statSync(path).isDirectory()) return listTypeScript(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}
