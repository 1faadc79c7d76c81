import { execFileSync } from 'node:child_process';

/** CLI tests run the built `tokenbench` as users do: build it once, fresh, before them. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--cli'], { stdio: 'inherit' });
}
