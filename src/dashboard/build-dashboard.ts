import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Bundles the dashboard for `npm run build`: one minified ES module and its stylesheet,
 * everything inside (no CDN), beside the compiled server in dist/dashboard.
 */
export async function buildDashboard(repoRoot: string, outDir: string): Promise<void> {
  const ui = join(repoRoot, 'src/dashboard/ui');
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  await build({
    entryPoints: [join(ui, 'app.tsx')],
    outfile: join(outDir, 'assets/app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(ui, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(ui, 'app.css')],
    outfile: join(outDir, 'assets/app.css'),
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
  copyFileSync(join(ui, 'index.html'), join(outDir, 'index.html'));
}

/** The bundle's size on the wire (gzip -9, as dashboard-routes serves it): the budget is 300 KB. */
export function compressedBytes(outDir: string): number {
  return ['assets/app.js', 'assets/app.css', 'index.html']
    .map((f) => gzipSync(readFileSync(join(outDir, f)), { level: 9 }).length)
    .reduce((a, b) => a + b, 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  await buildDashboard(join(here, '../..'), here);
  console.log(`dashboard bundle: ${(compressedBytes(here) / 1024).toFixed(1)} KiB compressed`);
}
