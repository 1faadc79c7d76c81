/** Moved to electron/jose/jwks.ts (below both engine and inspector); kept so existing imports keep working. */
export * from '../jose/jwks';
