import { adfs } from './adfs';
import { auth0 } from './auth0';
import { cognito } from './cognito';
import { duende } from './duende';
import { entra } from './entra';
import { generic } from './generic';
import { google } from './google';
import { keycloak } from './keycloak';
import { netiq } from './netiq';
import { okta } from './okta';
import { pingfederate } from './pingfederate';
import { salesforce } from './salesforce';
import type { ProviderPreset } from './types';

export type { PresetInput, ProviderPreset, PresetRule, PresetSettings } from './types';
export { profileFromPreset, type PresetDraft } from './apply';

/** Every provider preset, in the order the UI lists them. */
export const PRESETS: readonly ProviderPreset[] = [entra, okta, auth0, keycloak, google, salesforce, pingfederate, adfs, cognito, duende, netiq, generic];

export function presetById(id: string): ProviderPreset | undefined {
  const key = id.toLowerCase();
  return PRESETS.find((p) => p.id === key) ?? PRESETS.find((p) => p.name.toLowerCase() === key);
}
