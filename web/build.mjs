// Type-checks src/ and bundles the IDE into web/dist/ (served by the server at `/`): the page
// script, the simulator's and the language service's workers, one stylesheet, and the wasm VM
// that `cargo xtask build-web` generated into web/pkg/. Every asset but index.html gets a
// content-hashed name (`main-4FQ2KZ7D.js`), so the server can let browsers cache it for good;
// index.html names the current ones. Run it with `node build.mjs` (`--dev` for unminified
// output with source maps).

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const pkg = join(here, 'pkg');
const dev = process.argv.includes('--dev');

const wasmPath = join(pkg, 'copperhead_wasm_bg.wasm');
try {
  await access(wasmPath);
} catch {
  console.error(`build.mjs: ${wasmPath} is missing; generate it with \`cargo xtask build-web\``);
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

/** `name-HASH.ext` for `bytes`, the form esbuild gives its outputs. */
function hashed(name, bytes) {
  const hash = createHash('sha256').update(bytes).digest('base64url').replace(/[-_]/g, '').slice(0, 8).toUpperCase();
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
}

const wasm = await readFile(wasmPath);
const wasmName = hashed('copperhead_wasm_bg.wasm', wasm);
await writeFile(join(dist, wasmName), wasm);

const common = {
  absWorkingDir: here,
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
  entryNames: '[name]-[hash]',
  metafile: true,
};

/** The output file each entry point became. */
function outputs(result) {
  const names = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (output.entryPoint) names[basename(output.entryPoint).replace(/\.(ts|css)$/, '')] = basename(file);
  }
  return names;
}

const workers = outputs(
  await build({
    ...common,
    entryPoints: ['src/worker.ts', 'src/language-worker.ts'],
  }),
);

const page = outputs(
  await build({
    ...common,
    entryPoints: ['src/main.ts', 'src/app.css'],
    loader: { '.woff2': 'file' },
    define: {
      WASM_URL: JSON.stringify(`/${wasmName}`),
      SIMULATOR_WORKER_URL: JSON.stringify(`/${workers.worker}`),
      LANGUAGE_WORKER_URL: JSON.stringify(`/${workers['language-worker']}`),
    },
  }),
);

const html = (await readFile(join(here, 'index.html'), 'utf8'))
  .replace('href="/app.css"', `href="/${page.app}"`)
  .replace('src="/main.js"', `src="/${page.main}"`)
  .replace('<!-- build.mjs replaces the names below with the content-hashed ones -->\n  ', '');
if (!html.includes(page.main) || !html.includes(page.app)) {
  console.error('build.mjs: index.html no longer names /app.css and /main.js');
  process.exit(1);
}
await writeFile(join(dist, 'index.html'), html);

console.log(`build.mjs: wrote ${dist} (${[page.main, page.app, workers.worker, workers['language-worker'], wasmName].join(', ')})`);
