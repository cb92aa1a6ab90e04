/**
 * Module hooks, only for running the TypeScript sources (jest, the benchmarks): the writer
 * thread is a fresh module graph, outside jest's transform, so these compile its `.ts` files
 * with SWC (types stripped, nothing else) and map the `.js` specifiers of relative imports to
 * them. The thread starts in a tenth of the time `@swc-node/register` takes. The built server
 * runs the compiled `.js` worker and never loads this file.
 */
import { readFile } from 'node:fs/promises';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (specifier.startsWith('.') && specifier.endsWith('.js')) {
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const { transformSync } = await import('@swc/core');
  const { code } = transformSync(await readFile(new URL(url), 'utf8'), {
    filename: new URL(url).pathname,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
