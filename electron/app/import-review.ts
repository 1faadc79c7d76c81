import { createHash } from 'node:crypto';
import { WorkbenchError } from '../../shared/errors';
import { awaitsImportReview, importReviewFields } from '../../shared/import-trust';
import type { ImportReview } from '../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../shared/profile';
import type { ProfileStore } from '../storage/profile-store';

/**
 * Import trust (issue 11): the review of an imported profile's key aliases and
 * assertion claims, and its confirmation. The confirmation names the digest of
 * the review the user was shown, so what is confirmed is exactly what was seen:
 * a profile changed in between (another window, the CLI, a new import) stays
 * pending. Saving the profile never confirms it.
 */
export function importReviewOf(p: ConnectionProfile, group: ConnectionGroup | undefined): ImportReview {
  // Shown as the run will see it: the group's issuer when the profile leaves it unset.
  const fields = importReviewFields({ ...p, issuer: p.issuer ?? group?.defaults.issuer });
  return {
    profileId: p.id,
    name: p.name,
    pending: awaitsImportReview(p),
    ...(p.imported ? { importedAt: p.imported.at, ...(p.imported.source ? { source: p.imported.source } : {}) } : {}),
    fields,
    digest: createHash('sha256').update(JSON.stringify([p.id, fields])).digest('base64url').slice(0, 32),
  };
}

export function confirmImportedProfile(store: ProfileStore, p: ConnectionProfile, digest: string): ConnectionProfile {
  const group = p.groupId ? store.listGroups().find((g) => g.id === p.groupId) : undefined;
  const review = importReviewOf(p, group);
  if (!review.pending) throw new WorkbenchError('INVALID_INPUT', `profile "${p.name}" has nothing awaiting confirmation`);
  if (review.digest !== digest)
    throw new WorkbenchError('IMPORT_PLAN_CHANGED', `profile "${p.name}" changed since its review was shown: review it again before confirming`);
  const { createdAt: _c, updatedAt: _u, ...rest } = p;
  return store.saveProfile({ ...rest, imported: { ...p.imported!, confirmed: true, confirmedAt: new Date().toISOString() } });
}
