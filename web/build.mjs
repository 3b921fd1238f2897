// Type-checks src/ and bundles the IDE into web/dist/ (served by the server at `/`): main.js
// and worker.js from src/, index.html, the stylesheets, and the wasm VM that
// `cargo xtask build-web` generated into web/pkg/. Run it with `node build.mjs` (`--dev` for
// unminified output with source maps).

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, rm, access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const pkg = join(here, 'pkg');
const dev = process.argv.includes('--dev');

const wasm = join(pkg, 'copperhead_wasm_bg.wasm');
try {
  await access(wasm);
} catch {
  console.error(`build.mjs: ${wasm} is missing; generate it with \`cargo xtask build-web\``);
  process.exit(1);
}

// esbuild strips types without checking them; tsc checks (against pkg/'s generated .d.ts too).
try {
  execFileSync(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', here], { stdio: 'inherit' });
} catch {
  console.error('build.mjs: type errors in src/ (see above)');
  process.exit(1);
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.ts', worker: 'src/worker.ts' },
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
});

const copies = [
  ['index.html', 'index.html'],
  ['style.css', 'style.css'],
  ['node_modules/@xterm/xterm/css/xterm.css', 'xterm.css'],
  ['pkg/copperhead_wasm_bg.wasm', 'copperhead_wasm_bg.wasm'],
];
for (const [from, to] of copies) {
  await copyFile(join(here, from), join(dist, to));
}

console.log(`build.mjs: wrote ${dist}`);
