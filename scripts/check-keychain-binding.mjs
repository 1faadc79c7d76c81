// postinstall: keytar (the OS keychain binding) is an optional dependency so that a machine
// without libsecret's development files gets this one message instead of a page of node-gyp
// output; the install still fails, because the workbench keeps every secret in the keychain.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** What to tell the user, or undefined when keytar loads. Parameters let the test run the real checks elsewhere. */
export function diagnoseKeychainBinding({ platform = process.platform, resolveFrom = import.meta.url, env = process.env } = {}) {
  try {
    createRequire(resolveFrom)('keytar');
    return undefined;
  } catch (err) {
    const why = String(err?.message ?? err).split('\n', 1)[0];
    if (platform !== 'linux') return `keytar, the OS keychain binding, could not be loaded (${why}).\nRun: npm rebuild keytar`;
    let hasLibsecret = false;
    try {
      execFileSync('pkg-config', ['--exists', 'libsecret-1'], { stdio: 'ignore', env });
      hasLibsecret = true;
    } catch {
      // pkg-config missing or libsecret-1.pc absent: either way the headers are not there to build against.
    }
    if (hasLibsecret) return `keytar, the OS keychain binding, could not be built or loaded (${why}).\nRun: npm rebuild keytar --foreground-scripts   (to see why)`;
    return [
      'Token Workbench keeps secrets in the OS keychain through keytar, which is built from source on Linux',
      "against libsecret — and libsecret's development files are not installed. Install them, then install again:",
      '',
      '  Debian/Ubuntu:  sudo apt-get install libsecret-1-dev',
      '  Fedora/RHEL:    sudo dnf install libsecret-devel',
      '',
      'then: npm install   (or npm rebuild keytar)',
    ].join('\n');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problem = diagnoseKeychainBinding();
  if (problem) {
    process.stderr.write(`\n${problem}\n\n`);
    process.exit(1);
  }
}
