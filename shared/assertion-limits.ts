/**
 * How long an assertion the engine signs may live (issue 11): a profile's
 * `clientAuth.assertionLifetime` (default 5 minutes), never more than an hour,
 * whatever a profile, a file or JWT bearer claims ask for. A key that signs
 * long-lived assertions for whoever names them is a signing oracle.
 */
export const ASSERTION_LIFETIME_DEFAULT_SECONDS = 300;
export const ASSERTION_LIFETIME_HARD_CAP_SECONDS = 3600;

/** The lifetime an assertion gets: the requested one, within 1 s … the hard cap. */
export function cappedAssertionLifetime(requested: number | undefined): number {
  // Number.isFinite is false for undefined, NaN and ±Infinity alike.
  const wanted = Number.isFinite(requested) ? Math.floor(requested as number) : ASSERTION_LIFETIME_DEFAULT_SECONDS;
  return Math.min(Math.max(1, wanted), ASSERTION_LIFETIME_HARD_CAP_SECONDS);
}
