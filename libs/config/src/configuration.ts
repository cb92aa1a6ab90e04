import { z } from 'zod';
import { documentation, settings, type SettingDocumentation } from './settings.js';

export const configurationSchema = z.object(settings).superRefine((configuration, context) => {
  if (configuration.JWT_PUBLIC_KEY && configuration.JWT_JWKS_URL)
    context.addIssue({
      code: 'custom',
      path: ['JWT_JWKS_URL'],
      message: 'cannot be used together with JWT_PUBLIC_KEY; set one of them',
    });
});

/** The settings, read and checked: `configuration.PORT` is a port number. */
export type Configuration = z.output<typeof configurationSchema>;
export type SettingName = keyof typeof settings;

/** A setting the program cannot start with; the message says which and why, in one line. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * Reads every setting from `env` and checks it; nothing is opened or created. Throws a
 * ConfigurationError naming each bad setting and why (`PORT must be a port number from 0 to
 * 65535, not '0x10'`), all in one line.
 */
export function loadConfiguration(
  env: Record<string, string | undefined> = process.env,
): Configuration {
  const parsed = configurationSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  problems.push(...unknownLimits(env));
  if (problems.length > 0 || !parsed.success) throw new ConfigurationError(problems.join('; '));
  return parsed.data;
}

/** A misspelt limit would be ignored without a word: variables named LIMIT_* must be limits. */
function unknownLimits(env: Record<string, string | undefined>): string[] {
  const limits = Object.keys(settings).filter((name) => name.startsWith('LIMIT_'));
  return Object.keys(env)
    .filter((name) => name.startsWith('LIMIT_') && !limits.includes(name))
    .map((name) => {
      const near = limits.find((limit) => editDistance(limit, name) <= 2);
      return `${name} is not a setting${near ? ` (did you mean ${near}?)` : ''}; the limits are listed in docs/operations.md`;
    });
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

/** Every setting with its documentation, in the schema's order. */
export function describeSettings(): Array<{ name: SettingName } & SettingDocumentation> {
  return (Object.keys(settings) as SettingName[]).map((name) => ({
    name,
    ...documentation.get(settings[name])!,
  }));
}

/**
 * A table of settings as the schema says them: all of them for docs/operations.md, or those
 * `only` keeps (the limits, for the README), with the links of their meanings made relative
 * to a file outside docs/ by `linksFrom: 'root'`.
 */
export function settingsTable(
  options: { only?: (name: SettingName) => boolean; linksFrom?: 'docs' | 'root' } = {},
): string {
  const relink = (text: string) =>
    options.linksFrom === 'root' ? text.replace(/\]\((?!https?:|#)/g, '](docs/') : text;
  const rows = describeSettings()
    .filter((s) => options.only?.(s.name) ?? true)
    .map(
      (s) =>
        `| \`${s.name}\` | ${s.default === undefined ? 'unset' : `\`${s.default}\``} | ${s.takes} | ${relink(s.meaning)} |`,
    );
  return ['| variable | default | takes | meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
