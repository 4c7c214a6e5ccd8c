#!/usr/bin/env node
// `npm test`'s first step: make a fresh Debian machine ready for the browser tests, so the
// README's test command is all a newcomer needs. Finds Chromium (CHROMIUM_PATH, /usr/bin/chromium)
// or, as root on Debian, installs the distribution's package (Playwright's own browser download
// is not possible everywhere). Elsewhere it leaves Playwright's bundled browser as the fallback.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const have = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
if (have) {
  console.log(`test env: Chromium at ${have}`);
} else if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log('test env: no Chromium found; installing Debian\'s chromium package (apt-get)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
} else {
  console.log('test env: no system Chromium; Playwright will use its bundled browser (`npx playwright install chromium` if missing).');
}
