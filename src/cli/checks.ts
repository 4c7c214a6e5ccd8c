// Checks made before any work starts: a flag the command does not read, a positional argument it
// does not take, an output file that cannot be written. Each fails at once, saying what to do, so
// that nothing is silently ignored and no training time is lost to a typo.
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PRESETS } from '../engine/config';

/** The flags each command reads (--out and --save are one flag for train and export). */
const FLAGS: Record<string, readonly string[]> = {
  train: ['preset', 'url', 'set', 'backend', 'threads', 'data-dir', 'json', 'save', 'out', 'compact', 'quiet', 'checkpoint', 'checkpoint-every', 'stop-at', 'resume', 'log'],
  sweep: ['preset', 'url', 'set', 'backend', 'threads', 'data-dir', 'json', 'seeds', 'methods', 'quiet'],
  export: ['preset', 'url', 'set', 'backend', 'threads', 'data-dir', 'json', 'save', 'out', 'compact', 'quiet'],
  flops: ['preset', 'url', 'set', 'quiet'],
  eval: ['backend', 'threads', 'data-dir', 'quiet'],
  bench: ['quick', 'only', 'quiet', 'check', 'all', 'check-shard'],
  profile: ['preset', 'url', 'set', 'backend', 'threads', 'data-dir', 'json', 'quiet'],
};

export function checkArgs(cmd: string, values: Record<string, unknown>, positionals: string[]): void {
  const allowed = FLAGS[cmd];
  if (!allowed) return; // an unknown command is reported by the caller, with the help
  const stray = Object.keys(values).filter((k) => values[k] !== undefined && !allowed.includes(k));
  if (stray.length)
    throw new Error(`${stray.map((f) => `--${f}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to \`${cmd}\`, which reads ${allowed.map((f) => `--${f}`).join(', ')}`);
  const takes = cmd === 'eval' ? 1 : 0;
  if (positionals.length > takes) {
    const extra = positionals.slice(takes);
    const hint = (PRESETS as readonly string[]).includes(extra[0]) ? ` (to pick that preset, write --preset ${extra[0]})` : '';
    throw new Error(`\`${cmd}\` takes ${takes ? 'one file' : 'no positional arguments'}; got ${extra.map((p) => `"${p}"`).join(' ')}${hint}`);
  }
  if (values.compact && !values.save && !values.out) throw new Error('--compact shapes the saved model: add --save FILE.safetensors');
  const changes = (['preset', 'url', 'set'] as const).filter((f) => values[f] !== undefined);
  if (values.resume && changes.length)
    throw new Error(`--resume continues the experiment stored in ${String(values.resume)} as it was; ${changes.map((f) => `--${f}`).join(', ')} would change it. ` +
      'Drop them, or start a new run with them instead');
  const checkpointed = values.checkpoint !== undefined || values.resume !== undefined;
  if (values['checkpoint-every'] !== undefined && !checkpointed) throw new Error('--checkpoint-every says how often to write --checkpoint FILE: add --checkpoint FILE');
  if (values['stop-at'] !== undefined && !checkpointed) throw new Error('--stop-at leaves a checkpoint to resume from: add --checkpoint FILE');
}

/** A whole-number flag ≥ min, or undefined when absent; anything else fails, naming the flag. */
export function wholeFlag(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new Error(`--${flag} must be a whole number ≥ ${min} (got "${value}")`);
  return n;
}

/** The system's reason in words with its code ("EIO: i/o error"), for a message that says what to do next. */
const systemReason = (e: unknown): string => (e instanceof Error ? e.message.replace(/, \w+( '.*')?$/, '') : String(e));

/** Fails now, not after training, when `file` cannot be written. */
export function checkWritable(flag: string, file: string): void {
  const abs = path.resolve(file);
  const exists = existsSync(abs);
  if (exists && statSync(abs).isDirectory()) throw new Error(`--${flag} ${file} is a folder: give a file name`);
  const dir = path.dirname(abs);
  if (!exists && !existsSync(dir)) throw new Error(`--${flag} ${file}: the folder ${dir} does not exist; create it first`);
  try {
    accessSync(exists ? abs : dir, constants.W_OK);
  } catch {
    throw new Error(`--${flag} ${file}: ${exists ? 'the file is read-only' : `no permission to write in ${dir}`}`);
  }
  // Permissions are not the whole story (root may "write" /proc/version, which then fails with EIO):
  // an empty write through the append mode the run uses changes nothing and fails as the real one would.
  if (exists) {
    try {
      const fd = openSync(abs, 'a');
      try {
        writeSync(fd, new Uint8Array(0));
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw new Error(`--${flag} ${file} cannot be written (${systemReason(e)}): give a file in a folder of yours on a disk`);
    }
  }
}

/** The bytes of an input file, or what is wrong with the path: missing, a folder, unreadable. `hint` says what to give instead. */
export function readInputFile(subject: string, file: string, hint: string): Uint8Array {
  if (!existsSync(file)) throw new Error(`${subject} ${file} does not exist (${hint})`);
  if (statSync(file).isDirectory()) throw new Error(`${subject} ${file} is a folder, not a file (${hint})`);
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new Error(`${subject} ${file} cannot be read (${systemReason(e)}): ${hint}`);
  }
}
