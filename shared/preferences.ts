import * as z from 'zod';

/**
 * What the user prefers about the workbench itself (not about a connection): kept by the engine in
 * the data directory next to the profiles, so it is the same in the desktop app and in browser mode
 * (whose origin, and with it the browser's storage, changes with the port on every start), and so the
 * renderer never waits on the browser's synchronous storage while it starts (issue 12, "instant at scale").
 */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const PreferencesSchema = z
  .object({
    /** Light, dark, or whatever the OS prefers. */
    theme: z.enum(THEME_CHOICES),
  })
  .strict();
export type Preferences = z.infer<typeof PreferencesSchema>;

/** A change: only the preferences named are changed. */
export const PreferencesChangeSchema = PreferencesSchema.partial().strict();
export type PreferencesChange = z.infer<typeof PreferencesChangeSchema>;

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system' };
