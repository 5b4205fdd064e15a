// Plain-JavaScript bundles of the fleet bench and of `amsgate`, so that no process of the bench runs under tsx's
// module hooks. Node 20 runs module.register() hooks on a separate thread and the main thread sleeps in Atomics.wait
// for each synchronous answer (a require() while hooks are registered); a bench process was seen stuck there for
// good (main thread in futex_wait, the hooks thread idle in epoll_wait; docs/collector.md "Scaling").
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/** Each module keeps its own import.meta.url (paths to fixtures are relative to the source file), but `entry`. */
function ownUrls(entries: string[]): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (entries.includes(args.path)) return { contents: text, loader: 'ts' };
        return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
      });
    },
  };
}

/** Bundles `entry` (TypeScript, ESM) to `outfile`; packages stay external, resolved from the worktree's node_modules. */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [ownUrls([entry])],
  });
}
