// Injected into the CLI's CommonJS bundle by scripts/build.mjs: what `import.meta.url` becomes there
// (the bundle's own URL), for modules written as ES modules that resolve files or packages next to them.
export const __bundleUrl = require('node:url').pathToFileURL(__filename).href;
