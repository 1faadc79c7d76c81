import { dataDir } from '../storage/paths';
import type { ProfileStore } from '../storage/profile-store';
import type { SecretStore } from '../secrets/secret-store';
import type { Keystore } from '../keystore/keystore';

/**
 * What a command may need, opened on first use: a `decode` never loads the
 * keychain, a `token` with flags only never touches the profile file.
 */
export class CliContext {
  readonly dataDir = dataDir();
  private profileStore?: ProfileStore;
  private secretStore?: SecretStore;
  private keystoreInstance?: Keystore;
  private noticesShown = false;

  /**
   * Data integrity (issue 11): a damaged data file is moved aside when a store
   * opens it; say so on stderr, once per file, and carry on.
   */
  private async showNotices(): Promise<void> {
    if (this.noticesShown) return;
    this.noticesShown = true;
    const { onDataNotice } = await import('../storage/damaged-files');
    onDataNotice((n) => process.stderr.write(`tokenbench: warning: ${n.message} (${n.backup})\n`));
  }

  async profiles(): Promise<ProfileStore> {
    await this.showNotices();
    const { ProfileStore } = await import('../storage/profile-store');
    return (this.profileStore ??= new ProfileStore({ dataDir: this.dataDir }));
  }

  async secrets(): Promise<SecretStore> {
    await this.showNotices();
    const { openSecretStore } = await import('../secrets/open-secret-store');
    return (this.secretStore ??= openSecretStore({ dataDir: this.dataDir }));
  }

  async keystore(): Promise<Keystore> {
    if (this.keystoreInstance) return this.keystoreInstance;
    const { Keystore } = await import('../keystore/keystore');
    this.keystoreInstance = new Keystore({ dataDir: this.dataDir, secrets: await this.secrets() });
    return this.keystoreInstance;
  }
}
