import * as z from 'zod';
import * as zm from 'zod/mini';
import { WorkbenchError } from '../../shared/errors';
import { SECRET_NAMES, type ImportReport, type SecretName } from '../../shared/ipc';
import { ConnectionGroupSchema, ConnectionProfileSchema, describeIssues, type ConnectionGroup, type ConnectionProfile } from '../../shared/profile';

export const EXPORT_FORMAT = 'tokenbench-connections';
export const EXPORT_VERSION = 1;

/** What an exported secret looks like: obviously not a secret, and greppable in a repo. */
export const placeholderFor = (name: SecretName) => `<set ${name} in Token Workbench>`;

/**
 * Groups and profiles as a JSON document a team can keep in git. Profiles
 * never hold secret values; the names of the secrets they use are written
 * as placeholders so whoever imports knows what to fill in.
 */
export function exportConnections(groups: ConnectionGroup[], profiles: ConnectionProfile[]): string {
  const doc = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    groups,
    profiles: profiles.map(({ createdAt: _c, updatedAt: _u, secretRefs, ...rest }) => ({
      ...rest,
      secretRefs,
      secrets: Object.fromEntries(secretRefs.map((name) => [name, placeholderFor(name)])),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const ImportProfileSchema = zm.extend(ConnectionProfileSchema, {
  secrets: z.partialRecord(z.enum(SECRET_NAMES), z.string().max(16_384)).optional(),
});

const ImportDocumentSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: z.string().optional(),
    groups: z.array(ConnectionGroupSchema).max(10_000),
    profiles: z.array(ImportProfileSchema).max(100_000),
  })
  .strict();

export interface ParsedImport {
  groups: ConnectionGroup[];
  profiles: Array<{ profile: ConnectionProfile; secrets: Partial<Record<SecretName, string>> }>;
}

/** Validates a whole document before anything is written: a bad file changes nothing. */
export function parseImport(json: string): ParsedImport {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new WorkbenchError('INVALID_INPUT', `the file is not JSON: ${(err as Error).message}`);
  }
  const parsed = ImportDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new WorkbenchError('INVALID_INPUT', `not a Token Workbench connections file: ${describeIssues(parsed.error)}`);
  const groupIds = new Set(parsed.data.groups.map((g) => g.id));
  return {
    groups: parsed.data.groups,
    profiles: parsed.data.profiles.map(({ secrets, ...profile }) => {
      if (profile.groupId && !groupIds.has(profile.groupId)) profile.groupId = undefined;
      // A value still equal to its placeholder is no secret; anything else was filled in by the user.
      const real = Object.fromEntries(Object.entries(secrets ?? {}).filter(([name, value]) => value && value !== placeholderFor(name as SecretName)));
      return { profile, secrets: real as Partial<Record<SecretName, string>> };
    }),
  };
}

export function emptyReport(): ImportReport {
  return { groups: 0, profiles: 0, needSecrets: [] };
}
