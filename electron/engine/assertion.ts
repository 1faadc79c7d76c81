/** Moved to electron/jose/sign.ts (below engine, keystore and inspector); kept so existing imports keep working. */
export * from '../jose/sign';
